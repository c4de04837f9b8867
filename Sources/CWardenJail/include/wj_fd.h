// Descriptor helpers whose glibc declarations need _GNU_SOURCE, which Swift's Glibc module
// does not expose (pipe2, memfd seals). Parent side only.
#ifndef WJ_FD_H
#define WJ_FD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The most descriptors one control message carries.
#define WJ_MAX_PASSED_FDS 8

/// pipe2(O_CLOEXEC); returns 0 or -errno.
int wj_pipe_cloexec(int fds[2]);

/// Seals a memfd against every change (write, grow, shrink, further seals); returns 0 or -errno.
int wj_seal_memfd(int fd);

/// A close-on-exec SOCK_SEQPACKET socket pair; fds[0] (the supervisor's end) has SO_PASSCRED,
/// so every message it receives carries the sender's credentials as the kernel translated
/// them into the receiver's PID namespace. Returns 0 or -errno.
int wj_socketpair_seqpacket(int fds[2]);

/// Sends one message with up to WJ_MAX_PASSED_FDS descriptors (SCM_RIGHTS), without blocking
/// (a full peer gives -EAGAIN). Returns the bytes sent or -errno.
ssize_t wj_send_with_fds(int sock, const void *buffer, size_t length, const int *fds, int n_fds);

/// Receives one message. `*pid` is the pid of its SCM_CREDENTIALS (in the receiver's PID
/// namespace), -1 without; `*truncated` is set when the message or its control data did not
/// fit (descriptors sent along are closed). Returns the length, 0 at end of stream, or -errno.
ssize_t wj_recv_with_credentials(int sock, void *buffer, size_t capacity, int32_t *pid, int *truncated);

/// pidfd_open(pid, 0): a pidfd for any process (signal it, poll for its exit). Returns the
/// descriptor or -errno.
int wj_pidfd_open(pid_t pid);

/// The Landlock ABI version the kernel offers (1 and up), or -errno (ENOSYS: no Landlock;
/// EOPNOTSUPP: built in but disabled at boot).
int wj_landlock_abi(void);

/// A descriptor (close-on-exec) holding the mount namespace of the process `pidfd` names (`pid`
/// for kernels before 6.11, through /proc). Returns it or -errno.
int wj_pidfd_mount_namespace(int pidfd, pid_t pid);

#ifdef __cplusplus
}
#endif

#endif
