// Descriptor helpers whose glibc declarations need _GNU_SOURCE, which Swift's Glibc module
// does not expose (pipe2, memfd seals). Parent side only.
#ifndef WJ_FD_H
#define WJ_FD_H

#ifdef __cplusplus
extern "C" {
#endif

/// pipe2(O_CLOEXEC); returns 0 or -errno.
int wj_pipe_cloexec(int fds[2]);

/// Seals a memfd against every change (write, grow, shrink, further seals); returns 0 or -errno.
int wj_seal_memfd(int fd);

#ifdef __cplusplus
}
#endif

#endif
