#define _GNU_SOURCE
#include "wj_fd.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int wj_pipe_cloexec(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC) != 0) return -errno;
    return 0;
}

int wj_seal_memfd(int fd) {
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) != 0) return -errno;
    return 0;
}
