#define _GNU_SOURCE
#include "CTestSupport.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>

extern char **environ;

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

int CTestSupport_spawn(pid_t *pid, const char *path, char *const argv[],
                       const char *stdoutPath, const char *stderrPath) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    rc = posix_spawnattr_init(&attr);
    if (rc != 0) { posix_spawn_file_actions_destroy(&actions); return rc; }

    if (rc == 0) rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) rc = posix_spawn_file_actions_addopen(&actions, 1, stdoutPath,
                                                       O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    if (rc == 0 && strcmp(stdoutPath, stderrPath) == 0) {
        rc = posix_spawn_file_actions_adddup2(&actions, 1, 2);
    } else if (rc == 0) {
        rc = posix_spawn_file_actions_addopen(&actions, 2, stderrPath,
                                              O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    }
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);

    sigset_t empty, defaults;
    sigemptyset(&empty);
    sigemptyset(&defaults);
    int stopSignals[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2, SIGCHLD };
    for (size_t i = 0; i < sizeof stopSignals / sizeof stopSignals[0]; i++) sigaddset(&defaults, stopSignals[i]);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attr, &empty);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &defaults);
    if (rc == 0) rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    if (rc == 0) rc = posix_spawn(pid, path, &actions, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

int CTestSupport_accept(int fd, int nonBlocking) {
    return accept4(fd, NULL, NULL, SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0));
}
