#ifndef C_TEST_SUPPORT_H
#define C_TEST_SUPPORT_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
// FNV-1a over a byte range, continuing from `state`. Debug-built Swift hashes a few MB/s;
// this keeps a 512 MiB end-to-end transfer check inside a test's time budget.
uint64_t CTestSupport_fnv1a(uint64_t state, const void *bytes, size_t count);
// Fills a buffer with a deterministic xorshift stream so both ends can agree on content.
void CTestSupport_fillPattern(void *bytes, size_t count, uint64_t seed);
// posix_spawn with stdout and stderr redirected to files (created or truncated), every
// other descriptor above 2 closed in the child (the test process holds many sockets that a
// child must not keep open), and the signal mask and the dispositions of the stop signals
// reset to defaults. Returns 0 or an errno value; the child's pid goes to `*pid`.
int CTestSupport_spawn(pid_t *pid, const char *path, char *const argv[],
                       const char *stdoutPath, const char *stderrPath);
// accept4(SOCK_CLOEXEC | SOCK_NONBLOCK as asked): Swift's Glibc module hides accept4.
int CTestSupport_accept(int fd, int nonBlocking);
#endif
