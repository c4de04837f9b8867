#define _GNU_SOURCE
#include "wj_fd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

int wj_pipe_cloexec(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC) != 0) return -errno;
    return 0;
}

int wj_seal_memfd(int fd) {
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) != 0) return -errno;
    return 0;
}

int wj_socketpair_seqpacket(int fds[2]) {
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) return -errno;
    int on = 1;
    // The supervisor's end receives the kernel's translation of the pids a zygote names.
    if (setsockopt(fds[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) != 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        return -saved;
    }
    return 0;
}

ssize_t wj_send_with_fds(int sock, const void *buffer, size_t length, const int *fds, int n_fds) {
    if (n_fds < 0 || n_fds > WJ_MAX_PASSED_FDS) return -EINVAL;
    struct iovec vector = {(void *)buffer, length};
    union {
        char bytes[CMSG_SPACE(sizeof(int) * WJ_MAX_PASSED_FDS)];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof(control));
    struct msghdr message = {0};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    if (n_fds > 0) {
        message.msg_control = control.bytes;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n_fds);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n_fds);
        memcpy(CMSG_DATA(header), fds, sizeof(int) * (size_t)n_fds);
    }
    ssize_t sent;
    do {
        sent = sendmsg(sock, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (sent < 0 && errno == EINTR);
    return sent < 0 ? -errno : sent;
}

ssize_t wj_recv_with_credentials(int sock, void *buffer, size_t capacity, int32_t *pid, int *truncated) {
    struct iovec vector = {buffer, capacity};
    union {
        char bytes[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * WJ_MAX_PASSED_FDS)];
        struct cmsghdr align;
    } control;
    struct msghdr message = {0};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control.bytes;
    message.msg_controllen = sizeof(control.bytes);
    *pid = -1;
    *truncated = 0;
    ssize_t received;
    do {
        received = recvmsg(sock, &message, MSG_CMSG_CLOEXEC);
    } while (received < 0 && errno == EINTR);
    if (received < 0) return -errno;
    if (message.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) *truncated = 1;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET) continue;
        if (header->cmsg_type == SCM_CREDENTIALS && header->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
            struct ucred credentials;
            memcpy(&credentials, CMSG_DATA(header), sizeof(credentials));
            *pid = credentials.pid;
        } else if (header->cmsg_type == SCM_RIGHTS) {
            // Nothing is expected this way: close whatever was sent.
            size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            int fds[WJ_MAX_PASSED_FDS + 4];
            if (count > sizeof(fds) / sizeof(fds[0])) count = sizeof(fds) / sizeof(fds[0]);
            memcpy(fds, CMSG_DATA(header), count * sizeof(int));
            for (size_t i = 0; i < count; i++) close(fds[i]);
            *truncated = 1;
        }
    }
    return received;
}

int wj_pidfd_open(pid_t pid) {
    long fd = syscall(SYS_pidfd_open, pid, 0);
    return fd < 0 ? -errno : (int)fd;
}

int wj_landlock_abi(void) {
    // landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
    long version = syscall(444, NULL, 0, 1UL);
    return version < 0 ? -errno : (int)version;
}

int wj_pidfd_mount_namespace(int pidfd, pid_t pid) {
    // PIDFD_GET_MNT_NAMESPACE (Linux 6.11): the namespace of exactly the process the pidfd names.
    long fd = ioctl(pidfd, 0xFF03, 0);
    if (fd >= 0) {
        // The kernel opens it close-on-exec; make sure, since workers are spawned from
        // other threads of this process.
        if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) != 0) {
            int saved = errno;
            close((int)fd);
            return -saved;
        }
        return (int)fd;
    }
    if (errno != ENOTTY && errno != EINVAL && errno != EOPNOTSUPP) return -errno;
    // Older kernels: through /proc. The caller has checked that pid is its worker; were the
    // worker gone and the pid reused, the descriptor would only hold another namespace a while.
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
    int opened = open(path, O_RDONLY | O_CLOEXEC);
    return opened < 0 ? -errno : opened;
}
