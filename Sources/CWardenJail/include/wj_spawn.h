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
};

/// What wj_spawn reports.
struct wj_spawn_result {
    pid_t pid;
    /// A pidfd for the child (close-on-exec), or -1 when the kernel gave none.
    int pidfd;
    /// On failure: the step that failed and its errno.
    int failed_step;
    int error;
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

/// memfd_create with MFD_CLOEXEC (and sealing allowed); returns the fd or -errno.
int wj_memfd(const char *name);

#ifdef __cplusplus
}
#endif

#endif
