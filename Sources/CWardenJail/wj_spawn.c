// See include/wj_spawn.h for why this is C and what may run in the child.
#define _GNU_SOURCE
#include "wj_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
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
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
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
// Landlock's syscalls (the same number on every architecture; glibc has no wrappers).
#define WJ_SYS_landlock_create_ruleset 444
#define WJ_SYS_landlock_restrict_self 446

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
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
    uint64_t set_tid;
    uint64_t set_tid_size;
    uint64_t cgroup;
};

// Reports (step, errno, op) on the error pipe and exits. Raw syscalls only.
__attribute__((noreturn)) static void wj_child_fail_op(int error_fd, int step, int op) {
    int payload[3] = {step, errno, op};
    (void)syscall(SYS_write, error_fd, payload, sizeof(payload));
    syscall(SYS_exit_group, 127);
    __builtin_unreachable();
}

__attribute__((noreturn)) static void wj_child_fail(int error_fd, int step) { wj_child_fail_op(error_fd, step, -1); }

// setgroups (outside a user namespace, or inside one whose parent allowed it), then gid and uid.
static void wj_child_change_ids(const struct wj_spawn_args *args, int error_fd) {
    if ((args->uid_map == NULL || args->allow_setgroups) && syscall(SYS_setgroups, 0, NULL) != 0)
        wj_child_fail(error_fd, WJ_STEP_SETGROUPS);
    if (syscall(SYS_setresgid, args->gid, args->gid, args->gid) != 0) wj_child_fail(error_fd, WJ_STEP_SETGID);
    if (syscall(SYS_setresuid, args->uid, args->uid, args->uid) != 0) wj_child_fail(error_fd, WJ_STEP_SETUID);
}

static int wj_mount(const char *source, const char *target, const char *type, unsigned long flags, const void *data) {
    return (int)syscall(SYS_mount, source, target, type, flags, data);
}

// Builds the worker's root filesystem on args->new_root and pivots into it. Runs inside the
// new mount namespace, so nothing here is visible to the host.
static void wj_child_build_root(const struct wj_spawn_args *args, int error_fd) {
    // Stop mount events from propagating back to the host.
    if (wj_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) wj_child_fail(error_fd, WJ_STEP_MOUNT_PRIVATE);
    if (wj_mount("tmpfs", args->new_root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=4096,mode=0755") != 0)
        wj_child_fail(error_fd, WJ_STEP_ROOT_TMPFS);

    for (int i = 0; i < args->n_mount_ops; i++) {
        const struct wj_mount_op *op = &args->mount_ops[i];
        long rc = 0;
        switch (op->kind) {
        case WJ_OP_MKDIR:
            rc = syscall(SYS_mkdirat, AT_FDCWD, op->target, 0755);
            if (rc != 0 && errno == EEXIST) rc = 0;
            break;
        case WJ_OP_TOUCH: {
            long fd = syscall(SYS_openat, AT_FDCWD, op->target, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
            if (fd < 0) {
                rc = -1;
            } else {
                syscall(SYS_close, fd);
            }
            break;
        }
        case WJ_OP_SYMLINK:
            rc = syscall(SYS_symlinkat, op->source, AT_FDCWD, op->target);
            break;
        case WJ_OP_BIND_RO:
        case WJ_OP_BIND_RW: {
            rc = wj_mount(op->source, op->target, NULL, MS_BIND | MS_REC, NULL);
            if (rc != 0) break;
            unsigned long flags = MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV;
            if (op->kind == WJ_OP_BIND_RO) flags |= MS_RDONLY;
            rc = wj_mount(NULL, op->target, NULL, flags, NULL);
            break;
        }
        case WJ_OP_BIND_DEV:
            rc = wj_mount(op->source, op->target, NULL, MS_BIND, NULL);
            if (rc != 0) break;
            rc = wj_mount(NULL, op->target, NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NOEXEC, NULL);
            break;
        case WJ_OP_TMPFS:
            rc = wj_mount("tmpfs", op->target, "tmpfs", MS_NOSUID | MS_NODEV, op->data);
            break;
        case WJ_OP_PROC:
            rc = wj_mount("proc", op->target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
            break;
        default:
            errno = EINVAL;
            rc = -1;
        }
        if (rc != 0) wj_child_fail_op(error_fd, WJ_STEP_MOUNT_OP, i);
    }

    // pivot_root(".", ".") stacks the old root under the new one; detaching it leaves only
    // the new root. No put_old directory is needed.
    if (syscall(SYS_chdir, args->new_root) != 0) wj_child_fail(error_fd, WJ_STEP_PIVOT_ROOT);
    if (syscall(SYS_pivot_root, ".", ".") != 0) wj_child_fail(error_fd, WJ_STEP_PIVOT_ROOT);
    if (syscall(SYS_umount2, ".", MNT_DETACH) != 0) wj_child_fail(error_fd, WJ_STEP_PIVOT_ROOT);
    if (syscall(SYS_chdir, "/") != 0) wj_child_fail(error_fd, WJ_STEP_PIVOT_ROOT);
    // The skeleton root itself becomes read-only: the only writable places are the ones bound
    // or mounted read-write above.
    if (wj_mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0)
        wj_child_fail(error_fd, WJ_STEP_ROOT_READONLY);
}

// Drops every capability the process could ever regain: bounding set, ambient set, and
// (via capset) effective, permitted and inheritable.
static void wj_child_drop_bounding(int error_fd) {
    for (int cap = 0; cap <= 63; cap++) {
        if (syscall(SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
            if (errno == EINVAL) break;  // past the last capability this kernel knows
            wj_child_fail(error_fd, WJ_STEP_CAPABILITIES);
        }
    }
    if (syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        wj_child_fail(error_fd, WJ_STEP_CAPABILITIES);
}

static void wj_child_zero_capabilities(int error_fd) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof(data));
    if (syscall(SYS_capset, &header, data) != 0) wj_child_fail(error_fd, WJ_STEP_CAPABILITIES);
}

// The child between clone and exec. Every step is a raw syscall on memory the parent prepared.
// Order matters, and a failed step ends the child (never continue half-confined):
//  1. unblock all signals (handlers were cleared by CLONE_CLEAR_SIGHAND); umask 022;
//  2. in a user namespace, wait until the parent has written our uid/gid maps (and switch ids
//     there now, when asked: see step 10);
//  3. lead a new process group, so every descendant that stays in it can be killed at once;
//  4. join the v1 cgroups (v2 joined atomically through CLONE_INTO_CGROUP);
//  5. move the error pipe above every target slot, place the child's descriptors, close the
//     rest (no daemon descriptor reaches the worker);
//  6. build the new root and pivot into it (mount namespace);
//  7. set the hostname (UTS namespace), enter the work directory;
//  8. set the rlimits (after the descriptors: RLIMIT_NOFILE may be below the fds we held);
//  9. drop the bounding and ambient capability sets (needs CAP_SETPCAP, so before the uid change);
// 10. switch to the execution's own gid and uid (outside a user namespace);
// 11. zero every remaining capability set;
// 12. no_new_privs (required for an unprivileged seccomp filter, and blocks setuid binaries);
// 13. enter a Landlock domain (scoped abstract Unix sockets and signals, no TCP), when asked;
// 14. load the seccomp filter, last, so that it need not allow any of the steps above;
// 15. exec.
// Enters a new Landlock domain that handles only the scopes and network accesses asked for
// (no filesystem access: the mount namespace is that layer). With no rule added, every handled
// network access is denied; scoped abstract sockets and signals reach only this domain.
static void wj_child_landlock(const struct wj_spawn_args *args, int error_fd) {
    struct {
        uint64_t handled_access_fs;
        uint64_t handled_access_net;
        uint64_t scoped;
    } attr = {0, args->landlock_handled_net, args->landlock_scoped};
    long ruleset = syscall(WJ_SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
    if (ruleset < 0) wj_child_fail(error_fd, WJ_STEP_LANDLOCK);
    if (syscall(WJ_SYS_landlock_restrict_self, ruleset, 0) != 0) wj_child_fail(error_fd, WJ_STEP_LANDLOCK);
    syscall(SYS_close, ruleset);
}

__attribute__((noreturn)) static void wj_child(const struct wj_spawn_args *args, int error_fd, int sync_fd) {
    sigset_t empty;
    memset(&empty, 0, sizeof(empty));
    if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, NULL, sizeof(uint64_t)) != 0)
        wj_child_fail(error_fd, WJ_STEP_SIGMASK);

    // A known umask: the daemon's may be anything (and threads may change it), and the root's
    // skeleton directories must be traversable by the worker's uid.
    syscall(SYS_umask, 022);

    if (sync_fd >= 0) {
        char byte = 0;
        long got;
        do {
            got = syscall(SYS_read, sync_fd, &byte, 1);
        } while (got < 0 && errno == EINTR);
        if (got != 1) wj_child_fail(error_fd, WJ_STEP_USERNS_WAIT);
        syscall(SYS_close, sync_fd);
        // In a user namespace the ids are switched first: files the child creates while it
        // builds the root need an owner that exists in the namespace (else EOVERFLOW), and the
        // capabilities of the namespace stay (the new uid is its root, or they were never
        // needed past this point).
        if (args->change_ids) wj_child_change_ids(args, error_fd);
    }

    if (args->new_process_group && syscall(SYS_setpgid, 0, 0) != 0) wj_child_fail(error_fd, WJ_STEP_SETPGID);

    for (int i = 0; i < args->n_cgroup_procs_fds; i++) {
        if (syscall(SYS_write, args->cgroup_procs_fds[i], "0", 1) != 1) wj_child_fail(error_fd, WJ_STEP_CGROUP);
    }

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
        for (int fd = args->n_fds + 1; fd < 65536; fd++) (void)syscall(SYS_close, fd);
    }

    if (args->new_root != NULL) wj_child_build_root(args, error_fd);

    if (args->hostname != NULL && syscall(SYS_sethostname, args->hostname, strlen(args->hostname)) != 0)
        wj_child_fail(error_fd, WJ_STEP_HOSTNAME);

    if (args->cwd != NULL && syscall(SYS_chdir, args->cwd) != 0) wj_child_fail(error_fd, WJ_STEP_CHDIR);

    for (int i = 0; i < args->n_rlimits; i++) {
        struct rlimit64 {
            uint64_t cur, max;
        } limit = {args->rlimits[i].soft, args->rlimits[i].hard};
        if (syscall(SYS_prlimit64, 0, args->rlimits[i].resource, &limit, NULL) != 0)
            wj_child_fail(error_fd, WJ_STEP_RLIMIT);
    }

    if (args->drop_capabilities) wj_child_drop_bounding(error_fd);

    if (args->change_ids && args->uid_map == NULL) wj_child_change_ids(args, error_fd);

    if (args->drop_capabilities) wj_child_zero_capabilities(error_fd);

    if (args->no_new_privs && syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        wj_child_fail(error_fd, WJ_STEP_NO_NEW_PRIVS);

    if (args->landlock_scoped != 0 || args->landlock_handled_net != 0) wj_child_landlock(args, error_fd);

    if (args->seccomp_filter != NULL) {
        struct sock_fprog program = {args->seccomp_instructions, (struct sock_filter *)args->seccomp_filter};
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) wj_child_fail(error_fd, WJ_STEP_SECCOMP);
    }

    syscall(SYS_execve, args->path, args->argv, args->envp);
    wj_child_fail(error_fd, WJ_STEP_EXEC);
}

// Parent side: writes a whole string to a /proc file of the child. Returns 0 or -1 (errno set).
static int wj_write_proc_file(pid_t pid, const char *name, const char *content) {
    char path[64];
    int n = 0;
    const char *prefix = "/proc/";
    for (const char *p = prefix; *p; p++) path[n++] = *p;
    char digits[16];
    int d = 0;
    unsigned value = (unsigned)pid;
    do {
        digits[d++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    while (d > 0) path[n++] = digits[--d];
    path[n++] = '/';
    for (const char *p = name; *p && n < (int)sizeof(path) - 1; p++) path[n++] = *p;
    path[n] = 0;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t length = strlen(content);
    ssize_t written = write(fd, content, length);
    int saved = errno;
    close(fd);
    errno = saved;
    return written == (ssize_t)length ? 0 : -1;
}

static void wj_reap(pid_t pid) {
    int status;
    while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
    }
}

int wj_spawn(const struct wj_spawn_args *args, struct wj_spawn_result *result) {
    result->pid = -1;
    result->pidfd = -1;
    result->failed_step = WJ_STEP_NONE;
    result->error = 0;
    result->failed_op = -1;
    if (args->n_fds < 0 || args->n_fds > WJ_MAX_FDS || args->n_rlimits < 0 || args->n_rlimits > WJ_MAX_RLIMITS ||
        args->n_mount_ops < 0 || args->n_mount_ops > WJ_MAX_MOUNT_OPS || args->n_cgroup_procs_fds < 0 ||
        args->n_cgroup_procs_fds > WJ_MAX_CGROUP_FDS) {
        result->failed_step = WJ_STEP_CLONE;
        result->error = EINVAL;
        return -1;
    }
    int user_namespace = (args->namespaces & CLONE_NEWUSER) != 0;

    int error_pipe[2];
    if (pipe2(error_pipe, O_CLOEXEC) != 0) {
        result->failed_step = WJ_STEP_PIPE;
        result->error = errno;
        return -1;
    }
    int sync_pipe[2] = {-1, -1};
    if (user_namespace && pipe2(sync_pipe, O_CLOEXEC) != 0) {
        result->failed_step = WJ_STEP_PIPE;
        result->error = errno;
        close(error_pipe[0]);
        close(error_pipe[1]);
        return -1;
    }

    int pidfd = -1;
    struct wj_clone_args clone_args;
    memset(&clone_args, 0, sizeof(clone_args));
    clone_args.flags = CLONE_PIDFD | CLONE_CLEAR_SIGHAND | args->namespaces;
    clone_args.pidfd = (uint64_t)(uintptr_t)&pidfd;
    clone_args.exit_signal = SIGCHLD;
    if (args->cgroup_dir_fd >= 0) {
        clone_args.flags |= CLONE_INTO_CGROUP;
        clone_args.cgroup = (uint64_t)args->cgroup_dir_fd;
    }
    long pid = syscall(SYS_clone3, &clone_args, sizeof(clone_args));
    if (pid < 0 && errno == ENOSYS && args->cgroup_dir_fd < 0) {
        // Kernels before 5.3: plain fork semantics, pidfd opened afterwards.
        pid = syscall(SYS_clone, SIGCHLD | (unsigned long)args->namespaces, 0, 0, 0, 0);
        pidfd = -1;
    }
    if (pid < 0) {
        result->failed_step = WJ_STEP_CLONE;
        result->error = errno;
        close(error_pipe[0]);
        close(error_pipe[1]);
        if (sync_pipe[0] >= 0) {
            close(sync_pipe[0]);
            close(sync_pipe[1]);
        }
        return -1;
    }
    if (pid == 0) {
        if (sync_pipe[1] >= 0) syscall(SYS_close, sync_pipe[1]);
        wj_child(args, error_pipe[1], sync_pipe[0]);
    }

    close(error_pipe[1]);
    if (pidfd < 0) {
        pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
        if (pidfd >= 0) (void)fcntl(pidfd, F_SETFD, FD_CLOEXEC);
    }

    if (user_namespace) {
        close(sync_pipe[0]);
        int failed = 0;
        if ((!args->allow_setgroups && wj_write_proc_file((pid_t)pid, "setgroups", "deny") != 0) ||
            (args->gid_map && wj_write_proc_file((pid_t)pid, "gid_map", args->gid_map) != 0) ||
            (args->uid_map && wj_write_proc_file((pid_t)pid, "uid_map", args->uid_map) != 0)) {
            failed = errno;
        }
        if (failed) {
            close(sync_pipe[1]);
            kill((pid_t)pid, SIGKILL);
            wj_reap((pid_t)pid);
            close(error_pipe[0]);
            if (pidfd >= 0) close(pidfd);
            result->failed_step = WJ_STEP_USERNS_MAP;
            result->error = failed;
            return -1;
        }
        char go = 1;
        ssize_t sent;
        do {
            sent = write(sync_pipe[1], &go, 1);
        } while (sent < 0 && errno == EINTR);
        close(sync_pipe[1]);
    }

    // The error pipe closes on a successful exec (EOF) or carries (step, errno, op).
    int payload[3] = {0, 0, -1};
    ssize_t got;
    do {
        got = read(error_pipe[0], payload, sizeof(payload));
    } while (got < 0 && errno == EINTR);
    close(error_pipe[0]);
    if (got == (ssize_t)sizeof(payload)) {
        wj_reap((pid_t)pid);
        if (pidfd >= 0) close(pidfd);
        result->failed_step = payload[0];
        result->error = payload[1];
        result->failed_op = payload[2];
        return -1;
    }
    if (pidfd < 0) {
        // Without a pidfd the supervisor cannot watch the child safely: end it.
        int saved = errno;
        kill((pid_t)pid, SIGKILL);
        wj_reap((pid_t)pid);
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

int wj_prlimit(pid_t pid, int resource, uint64_t soft, uint64_t hard) {
    struct {
        uint64_t cur, max;
    } limit = {soft, hard};
    if (syscall(SYS_prlimit64, pid, resource, &limit, NULL) != 0) return -errno;
    return 0;
}

int wj_memfd(const char *name) {
    int fd = (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return -errno;
    return fd;
}
