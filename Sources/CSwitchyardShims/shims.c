// _GNU_SOURCE must come before any system header so splice, pipe2, accept4 and the pipe
// fcntl commands are declared.
#define _GNU_SOURCE
#include <fcntl.h>
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <pthread.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include "CSwitchyardShims.h"

const unsigned int CSwitchyardShims_SPLICE_F_MOVE = SPLICE_F_MOVE;
const unsigned int CSwitchyardShims_SPLICE_F_NONBLOCK = SPLICE_F_NONBLOCK;
const unsigned int CSwitchyardShims_SPLICE_F_MORE = SPLICE_F_MORE;
const int CSwitchyardShims_F_SETPIPE_SZ = F_SETPIPE_SZ;
const int CSwitchyardShims_F_GETPIPE_SZ = F_GETPIPE_SZ;
#ifdef IP_BIND_ADDRESS_NO_PORT
const int CSwitchyardShims_IP_BIND_ADDRESS_NO_PORT = IP_BIND_ADDRESS_NO_PORT;
#else
const int CSwitchyardShims_IP_BIND_ADDRESS_NO_PORT = 24;
#endif

// The calls of the data path go to the kernel through syscall(2): glibc's own wrappers for
// these are thread cancellation points, and in a process with more than one thread each
// call then pays for switching asynchronous cancellation on and off (about 45 instructions,
// several times per request). The router never cancels a thread.
ssize_t CSwitchyardShims_splice(int fdIn, int fdOut, size_t length, unsigned int flags) {
    return syscall(SYS_splice, fdIn, NULL, fdOut, NULL, length, flags);
}

ssize_t CSwitchyardShims_recv(int fd, void *buffer, size_t length, int flags) {
    return syscall(SYS_recvfrom, fd, buffer, length, flags, NULL, NULL);
}

ssize_t CSwitchyardShims_send(int fd, const void *buffer, size_t length, int flags) {
    return syscall(SYS_sendto, fd, buffer, length, flags, NULL, 0);
}

ssize_t CSwitchyardShims_sendmsg(int fd, const struct msghdr *message, int flags) {
    return syscall(SYS_sendmsg, fd, message, flags);
}

int CSwitchyardShims_epoll_wait(int epfd, struct epoll_event *events, int maxEvents, int timeoutMs) {
    // epoll_pwait with no signal mask is epoll_wait, and exists on every architecture.
    return (int)syscall(SYS_epoll_pwait, epfd, events, maxEvents, timeoutMs, NULL, (size_t)8);
}

int CSwitchyardShims_pipe2(int fds[2], int flags) {
    return pipe2(fds, flags);
}

int CSwitchyardShims_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags) {
    return accept4(fd, address, length, flags);
}

int CSwitchyardShims_setPipeSize(int fd, int size) {
    return fcntl(fd, F_SETPIPE_SZ, size);
}

// FIONREAD on a pipe's read end: the bytes it holds. Used only to check invariants in tests.
int CSwitchyardShims_pipeBytesQueued(int fd) {
    int n = 0;
    if (ioctl(fd, FIONREAD, &n) < 0) return -1;
    return n;
}

int CSwitchyardShims_ignoreSIGPIPE(void) {
    struct sigaction action = {0};
    action.sa_handler = SIG_IGN;
    sigemptyset(&action.sa_mask);
    return sigaction(SIGPIPE, &action, NULL);
}

static void fillSet(sigset_t *set, const int *signals, int count) {
    sigemptyset(set);
    for (int i = 0; i < count; i++) sigaddset(set, signals[i]);
}

int CSwitchyardShims_blockSignals(const int *signals, int count) {
    sigset_t set;
    fillSet(&set, signals, count);
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int CSwitchyardShims_waitSignal(const int *signals, int count) {
    sigset_t set;
    fillSet(&set, signals, count);
    int received = 0;
    if (sigwait(&set, &received) != 0) return -1;
    return received;
}

int CSwitchyardShims_gettid(void) {
    return (int)gettid();
}

int CSwitchyardShims_setThreadName(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}

int CSwitchyardShims_waitSignalTimeout(const int *signals, int count, long timeoutMs) {
    if (timeoutMs < 0) return CSwitchyardShims_waitSignal(signals, count);
    sigset_t set;
    fillSet(&set, signals, count);
    struct timespec wait = { .tv_sec = timeoutMs / 1000, .tv_nsec = (timeoutMs % 1000) * 1000000L };
    for (;;) {
        int received = sigtimedwait(&set, NULL, &wait);
        if (received >= 0) return received;
        if (errno == EAGAIN) return 0;
        if (errno != EINTR) return -1;
    }
}

int CSwitchyardShims_openBeneath(int dirfd, const char *path, int flags) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(flags | O_CLOEXEC);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

ssize_t CSwitchyardShims_sendfile(int outFD, int inFD, int64_t *offset, size_t count) {
    off_t position = (off_t)*offset;
    ssize_t sent = sendfile(outFD, inFD, &position, count);
    *offset = (int64_t)position;
    return sent;
}
