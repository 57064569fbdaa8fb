#ifndef C_SWITCHYARD_SHIMS_H
#define C_SWITCHYARD_SHIMS_H

// Headers Swift's Glibc module does not import at all; including them here makes
// epoll_event (packed), eventfd, timerfd and EPOLLRDHUP visible to Swift.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdint.h>

// GNU-only calls. They are hidden behind _GNU_SOURCE, which a cSettings define cannot make
// visible to Swift's import of this header, so they are defined in shims.c instead.
ssize_t CSwitchyardShims_splice(int fdIn, int fdOut, size_t length, unsigned int flags);
ssize_t CSwitchyardShims_recv(int fd, void *buffer, size_t length, int flags);
ssize_t CSwitchyardShims_send(int fd, const void *buffer, size_t length, int flags);
ssize_t CSwitchyardShims_sendmsg(int fd, const struct msghdr *message, int flags);
int CSwitchyardShims_epoll_wait(int epfd, struct epoll_event *events, int maxEvents, int timeoutMs);
int CSwitchyardShims_pipe2(int fds[2], int flags);
int CSwitchyardShims_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
int CSwitchyardShims_setPipeSize(int fd, int size);
int CSwitchyardShims_pipeBytesQueued(int fd);

// Opens `path` relative to the directory `dirfd` with openat2(RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS): "..", absolute paths and symlinks that would leave the directory
// fail with EXDEV, so a request can never reach a file outside a `root`.
int CSwitchyardShims_openBeneath(int dirfd, const char *path, int flags);
ssize_t CSwitchyardShims_sendfile(int outFD, int inFD, int64_t *offset, size_t count);

int CSwitchyardShims_gettid(void);
int CSwitchyardShims_setThreadName(const char *name);

// Flag values that only exist under _GNU_SOURCE.
extern const unsigned int CSwitchyardShims_SPLICE_F_MOVE;
extern const unsigned int CSwitchyardShims_SPLICE_F_NONBLOCK;
extern const unsigned int CSwitchyardShims_SPLICE_F_MORE;
extern const int CSwitchyardShims_F_SETPIPE_SZ;
extern const int CSwitchyardShims_F_GETPIPE_SZ;
extern const int CSwitchyardShims_IP_BIND_ADDRESS_NO_PORT;

// Variadic or macro-based APIs Swift cannot call directly.
int CSwitchyardShims_ignoreSIGPIPE(void);
// Blocks the given signals in the calling thread (and threads it creates later) so that a
// dedicated thread can take them with sigwait.
int CSwitchyardShims_blockSignals(const int *signals, int count);
int CSwitchyardShims_waitSignal(const int *signals, int count);
// Like waitSignal, but gives up after `timeoutMs` (returns 0 then); -1 waits forever.
int CSwitchyardShims_waitSignalTimeout(const int *signals, int count, long timeoutMs);

#endif
