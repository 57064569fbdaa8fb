#include "CTestSupport.h"

uint64_t CTestSupport_fnv1a(uint64_t state, const void *bytes, size_t count) {
    const unsigned char *p = bytes;
    for (size_t i = 0; i < count; i++) {
        state ^= p[i];
        state *= 1099511628211ULL;
    }
    return state;
}

void CTestSupport_fillPattern(void *bytes, size_t count, uint64_t seed) {
    unsigned char *p = bytes;
    uint64_t x = seed ? seed : 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < count; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        p[i] = (unsigned char)x;
    }
}
