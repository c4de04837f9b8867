// CWardenJail: the only code of Warden that runs between fork and exec.
//
// Why C: a Swift daemon is multithreaded, so after clone() only async-signal-safe code may run
// until execve(); glibc locks may be held by threads that do not exist in the child. Swift
// prepares every byte the child needs (C strings, descriptors, limits) and makes one call;
// the child uses raw syscalls on that prepared memory only: no malloc, no stdio, no locks.
#ifndef WJ_SPAWN_H
#define WJ_SPAWN_H

#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The most descriptors a child can be handed (child fd i <- parent fd fds[i]).
#define WJ_MAX_FDS 16
/// The most rlimits a spawn can set.
#define WJ_MAX_RLIMITS 16

/// One resource limit, as prlimit64 takes it.
struct wj_rlimit {
    int resource;
    uint64_t soft;
    uint64_t hard;
};

/// The most filesystem operations a spawn can perform to build the worker's root (the
/// default view takes about 40; capability grants add their binds).
#define WJ_MAX_MOUNT_OPS 128
/// The most v1 cgroup.procs descriptors the child joins.
#define WJ_MAX_CGROUP_FDS 4

/// One step of building the worker's filesystem, run in order inside its mount namespace.
/// Every path is absolute and already includes the new root (prepared by the parent).
enum wj_mount_kind {
    WJ_OP_MKDIR = 1,     ///< mkdir(target, 0755)
    WJ_OP_TOUCH = 2,     ///< create an empty file at target (a mount point for a file bind)
    WJ_OP_SYMLINK = 3,   ///< symlink(source, target)
    WJ_OP_BIND_RO = 4,   ///< bind source on target, then remount read-only, nosuid, nodev
    WJ_OP_BIND_RW = 5,   ///< bind source on target, then remount nosuid, nodev
    WJ_OP_TMPFS = 6,     ///< mount a tmpfs on target with data as options (e.g. "size=64m,mode=1777")
    WJ_OP_PROC = 7,      ///< mount a fresh procfs on target (needs the new PID namespace)
    WJ_OP_BIND_DEV = 8,  ///< bind a device node on target, remount nosuid, noexec (devices stay usable)
};

struct wj_mount_op {
    int kind;
    const char *source;
    const char *target;
    const char *data;
};

/// Everything the child needs, prepared by the parent before the call.
struct wj_spawn_args {
    /// Absolute path of the program to execute.
    const char *path;
    /// NULL-terminated argument and environment vectors.
    char *const *argv;
    char *const *envp;
    /// Working directory of the child (NULL: unchanged).
    const char *cwd;
    /// Child descriptor i is a copy of parent descriptor fds[i]; -1 leaves i closed.
    int fds[WJ_MAX_FDS];
    int n_fds;
    struct wj_rlimit rlimits[WJ_MAX_RLIMITS];
    int n_rlimits;
    /// Non-zero: the child leads a new process group (so the group can be killed at once).
    int new_process_group;
    /// Non-zero: set PR_SET_NO_NEW_PRIVS before exec.
    int no_new_privs;

    /// CLONE_NEW* flags for clone3 (0: share the daemon's namespaces).
    uint64_t namespaces;
    /// With CLONE_NEWUSER: the maps the parent writes before the child goes on ("0 1000 1\n").
    const char *uid_map;
    const char *gid_map;
    /// cgroup v2: a directory descriptor for CLONE_INTO_CGROUP (-1: none).
    int cgroup_dir_fd;
    /// cgroup v1: open cgroup.procs files; the child writes "0" to each to join.
    int cgroup_procs_fds[WJ_MAX_CGROUP_FDS];
    int n_cgroup_procs_fds;
    /// A directory to build the new root on (a tmpfs is mounted there), then pivot_root into.
    /// NULL: keep the daemon's filesystem view (no mount operations run).
    const char *new_root;
    struct wj_mount_op mount_ops[WJ_MAX_MOUNT_OPS];
    int n_mount_ops;
    /// Hostname inside a new UTS namespace (NULL: unchanged).
    const char *hostname;
    /// Non-zero: switch to uid/gid (setgroups to none first, unless in a user namespace).
    int change_ids;
    /// With CLONE_NEWUSER and a privileged parent: leave setgroups allowed in the namespace
    /// (the parent writes no "deny") and clear the supplementary groups before the id change.
    /// A process that keeps its capabilities in the namespace (a zygote) may then call
    /// setgroups itself; unprivileged parents cannot write a gid map without "deny".
    int allow_setgroups;
    uint32_t uid;
    uint32_t gid;
    /// Non-zero: drop the bounding set, clear ambient, and zero every capability set.
    int drop_capabilities;
    /// Landlock: restrict the child to a new domain, after no_new_privs and before seccomp. The
    /// `scoped` bits (ABI 6: abstract Unix sockets, signals) and the handled network accesses
    /// (ABI 4: TCP bind and connect, denied with no rule) of `struct landlock_ruleset_attr`;
    /// both 0: no Landlock domain.
    uint64_t landlock_scoped;
    uint64_t landlock_handled_net;
    /// A seccomp BPF program (struct sock_filter[]) loaded last, right before execve.
    const void *seccomp_filter;
    uint16_t seccomp_instructions;
};

/// Steps of the child's set-up, reported with errno when one fails.
enum wj_step {
    WJ_STEP_NONE = 0,
    WJ_STEP_SIGMASK = 1,
    WJ_STEP_SETPGID = 2,
    WJ_STEP_FDS = 3,
    WJ_STEP_CHDIR = 4,
    WJ_STEP_RLIMIT = 5,
    WJ_STEP_NO_NEW_PRIVS = 6,
    WJ_STEP_EXEC = 7,
    WJ_STEP_CLONE = 8,
    WJ_STEP_PIPE = 9,
    WJ_STEP_PIDFD = 10,
    WJ_STEP_USERNS_MAP = 11,
    WJ_STEP_USERNS_WAIT = 12,
    WJ_STEP_CGROUP = 13,
    WJ_STEP_MOUNT_PRIVATE = 14,
    WJ_STEP_ROOT_TMPFS = 15,
    WJ_STEP_MOUNT_OP = 16,
    WJ_STEP_PIVOT_ROOT = 17,
    WJ_STEP_ROOT_READONLY = 18,
    WJ_STEP_HOSTNAME = 19,
    WJ_STEP_CAPABILITIES = 20,
    WJ_STEP_SETGROUPS = 21,
    WJ_STEP_SETGID = 22,
    WJ_STEP_SETUID = 23,
    WJ_STEP_SECCOMP = 24,
    WJ_STEP_LANDLOCK = 25,
};

/// What wj_spawn reports.
struct wj_spawn_result {
    pid_t pid;
    /// A pidfd for the child (close-on-exec), or -1 when the kernel gave none.
    int pidfd;
    /// On failure: the step that failed and its errno (and, for mount operations, which one).
    int failed_step;
    int error;
    int failed_op;
};

/// Spawns a child as described by args. Returns 0 on success (pid and pidfd set), -1 on
/// failure (failed_step and error set; no child is left behind).
int wj_spawn(const struct wj_spawn_args *args, struct wj_spawn_result *result);

/// waitid(P_PIDFD) with the rusage the raw syscall returns. Returns 0 or -errno.
/// code/status follow siginfo's si_code (CLD_EXITED, CLD_KILLED, CLD_DUMPED) and si_status.
int wj_wait_pidfd(int pidfd, int options, int *code, int *status, int64_t *utime_usec,
                  int64_t *stime_usec, int64_t *maxrss_kb);

/// pidfd_send_signal; returns 0 or -errno.
int wj_pidfd_signal(int pidfd, int sig);

/// prlimit64 on another process (a pre-started worker gets its request's limits); 0 or -errno.
int wj_prlimit(pid_t pid, int resource, uint64_t soft, uint64_t hard);

/// memfd_create with MFD_CLOEXEC (and sealing allowed); returns the fd or -errno.
int wj_memfd(const char *name);

#ifdef __cplusplus
}
#endif

#endif
