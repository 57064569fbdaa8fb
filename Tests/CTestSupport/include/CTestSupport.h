#ifndef C_TEST_SUPPORT_H
#define C_TEST_SUPPORT_H
#include <stddef.h>
#include <stdint.h>
// FNV-1a over a byte range, continuing from `state`. Debug-built Swift hashes a few MB/s;
// this keeps a 512 MiB end-to-end transfer check inside a test's time budget.
uint64_t CTestSupport_fnv1a(uint64_t state, const void *bytes, size_t count);
// Fills a buffer with a deterministic xorshift stream so both ends can agree on content.
void CTestSupport_fillPattern(void *bytes, size_t count, uint64_t seed);
#endif
