// See include/wj_spawn.h for why this is C and what may run in the child.
#define _GNU_SOURCE
#include "wj_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

// Our own copy of the clone3 argument block (kernel ABI, versioned by size).
struct wj_clone_args {
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
};

// Reports (step, errno) on the error pipe and exits. Raw syscalls only.
__attribute__((noreturn)) static void wj_child_fail(int error_fd, int step) {
    int payload[2] = {step, errno};
    (void)syscall(SYS_write, error_fd, payload, sizeof(payload));
    syscall(SYS_exit_group, 127);
    __builtin_unreachable();
}

// The child between clone and exec. Every step is a raw syscall on memory the parent prepared.
// Order matters:
//  1. unblock all signals (the parent thread's mask is inherited; handlers were cleared by
//     CLONE_CLEAR_SIGHAND, or are reset by exec);
//  2. lead a new process group, so the supervisor can kill every descendant that stays in it;
//  3. move the error pipe above every target slot, then place the child's descriptors, then
//     close everything else (so no daemon descriptor leaks into the worker);
//  4. enter the work directory;
//  5. set the rlimits (after the descriptors: RLIMIT_NOFILE may be lower than the fds we held);
//  6. no_new_privs;
//  7. exec.
__attribute__((noreturn)) static void wj_child(const struct wj_spawn_args *args, int error_fd) {
    sigset_t empty;
    memset(&empty, 0, sizeof(empty));
    if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, NULL, sizeof(uint64_t)) != 0)
        wj_child_fail(error_fd, WJ_STEP_SIGMASK);

    if (args->new_process_group && syscall(SYS_setpgid, 0, 0) != 0)
        wj_child_fail(error_fd, WJ_STEP_SETPGID);

    // Descriptor shuffle. First lift every source above the target range so that placing
    // slot i cannot clobber a source still needed for slot j > i.
    int base = args->n_fds + 1;
    for (int i = 0; i < args->n_fds; i++) {
        if (args->fds[i] >= base) base = args->fds[i] + 1;
    }
    if (error_fd >= base) base = error_fd + 1;
    int lifted_error = (int)syscall(SYS_fcntl, error_fd, F_DUPFD_CLOEXEC, base);
    if (lifted_error < 0) wj_child_fail(error_fd, WJ_STEP_FDS);
    error_fd = lifted_error;
    int lifted[WJ_MAX_FDS];
    for (int i = 0; i < args->n_fds; i++) {
        lifted[i] = -1;
        if (args->fds[i] < 0) continue;
        lifted[i] = (int)syscall(SYS_fcntl, args->fds[i], F_DUPFD_CLOEXEC, base);
        if (lifted[i] < 0) wj_child_fail(error_fd, WJ_STEP_FDS);
    }
    for (int i = 0; i < args->n_fds; i++) {
        if (lifted[i] < 0) {
            (void)syscall(SYS_close, i);
            continue;
        }
        if (syscall(SYS_dup3, lifted[i], i, 0) < 0) wj_child_fail(error_fd, WJ_STEP_FDS);
    }
    // Keep the error pipe at slot n_fds (close-on-exec), close every other descriptor.
    if (syscall(SYS_dup3, error_fd, args->n_fds, O_CLOEXEC) < 0) wj_child_fail(error_fd, WJ_STEP_FDS);
    error_fd = args->n_fds;
    if (syscall(SYS_close_range, (unsigned)args->n_fds + 1, ~0U, 0) != 0) {
        // Kernels before 5.9: close one by one up to a sane bound.
        for (int fd = args->n_fds + 1; fd < 65536; fd++) (void)syscall(SYS_close, fd);
    }

    if (args->cwd != NULL && syscall(SYS_chdir, args->cwd) != 0) wj_child_fail(error_fd, WJ_STEP_CHDIR);

    for (int i = 0; i < args->n_rlimits; i++) {
        struct rlimit64 {
            uint64_t cur, max;
        } limit = {args->rlimits[i].soft, args->rlimits[i].hard};
        if (syscall(SYS_prlimit64, 0, args->rlimits[i].resource, &limit, NULL) != 0)
            wj_child_fail(error_fd, WJ_STEP_RLIMIT);
    }

    if (args->no_new_privs && syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        wj_child_fail(error_fd, WJ_STEP_NO_NEW_PRIVS);

    syscall(SYS_execve, args->path, args->argv, args->envp);
    wj_child_fail(error_fd, WJ_STEP_EXEC);
}

int wj_spawn(const struct wj_spawn_args *args, struct wj_spawn_result *result) {
    result->pid = -1;
    result->pidfd = -1;
    result->failed_step = WJ_STEP_NONE;
    result->error = 0;
    if (args->n_fds < 0 || args->n_fds > WJ_MAX_FDS || args->n_rlimits < 0 || args->n_rlimits > WJ_MAX_RLIMITS) {
        result->failed_step = WJ_STEP_CLONE;
        result->error = EINVAL;
        return -1;
    }

    int error_pipe[2];
    if (pipe2(error_pipe, O_CLOEXEC) != 0) {
        result->failed_step = WJ_STEP_PIPE;
        result->error = errno;
        return -1;
    }

    int pidfd = -1;
    struct wj_clone_args clone_args;
    memset(&clone_args, 0, sizeof(clone_args));
    clone_args.flags = CLONE_PIDFD | CLONE_CLEAR_SIGHAND;
    clone_args.pidfd = (uint64_t)(uintptr_t)&pidfd;
    clone_args.exit_signal = SIGCHLD;
    long pid = syscall(SYS_clone3, &clone_args, sizeof(clone_args));
    if (pid < 0 && (errno == ENOSYS || errno == E2BIG || errno == EINVAL)) {
        // Older kernel: plain fork semantics, pidfd opened afterwards.
        pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
        pidfd = -1;
    }
    if (pid < 0) {
        result->failed_step = WJ_STEP_CLONE;
        result->error = errno;
        close(error_pipe[0]);
        close(error_pipe[1]);
        return -1;
    }
    if (pid == 0) {
        wj_child(args, error_pipe[1]);
    }

    close(error_pipe[1]);
    if (pidfd < 0) {
        pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
        if (pidfd >= 0) (void)fcntl(pidfd, F_SETFD, FD_CLOEXEC);
    }

    // The error pipe closes on a successful exec (EOF) or carries (step, errno).
    int payload[2] = {0, 0};
    ssize_t got;
    do {
        got = read(error_pipe[0], payload, sizeof(payload));
    } while (got < 0 && errno == EINTR);
    close(error_pipe[0]);
    if (got == (ssize_t)sizeof(payload)) {
        int status;
        while (waitpid((pid_t)pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (pidfd >= 0) close(pidfd);
        result->failed_step = payload[0];
        result->error = payload[1];
        return -1;
    }
    if (pidfd < 0) {
        // Without a pidfd the supervisor cannot watch the child safely: end it.
        int saved = errno;
        kill((pid_t)pid, SIGKILL);
        int status;
        while (waitpid((pid_t)pid, &status, 0) < 0 && errno == EINTR) {
        }
        result->failed_step = WJ_STEP_PIDFD;
        result->error = saved;
        return -1;
    }
    result->pid = (pid_t)pid;
    result->pidfd = pidfd;
    return 0;
}

int wj_wait_pidfd(int pidfd, int options, int *code, int *status, int64_t *utime_usec, int64_t *stime_usec,
                  int64_t *maxrss_kb) {
    siginfo_t info;
    struct rusage usage;
    memset(&info, 0, sizeof(info));
    memset(&usage, 0, sizeof(usage));
    long rc;
    do {
        rc = syscall(SYS_waitid, P_PIDFD, pidfd, &info, options, &usage);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) return -errno;
    *code = info.si_code;
    *status = info.si_status;
    *utime_usec = (int64_t)usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec;
    *stime_usec = (int64_t)usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec;
    *maxrss_kb = usage.ru_maxrss;
    return 0;
}

int wj_pidfd_signal(int pidfd, int sig) {
    if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) != 0) return -errno;
    return 0;
}

int wj_memfd(const char *name) {
    int fd = (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return -errno;
    return fd;
}
