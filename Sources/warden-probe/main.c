// warden-probe: a test-only program that tries exactly one system call and exits with the
// errno it got (0 on success), so that every seccomp rule can be checked on a real process
// (after bubblewrap's tests/try-syscall.c).
//
//   warden-probe [--no-new-privs] [--filter FILE]... SYSCALL [ARG]
//
// --no-new-privs  sets no_new_privs first (needed to load a filter without CAP_SYS_ADMIN).
// --filter FILE   loads FILE, raw `struct sock_filter` bytes as SeccompCompiler exports them,
//                 with seccomp(SECCOMP_SET_MODE_FILTER); repeat it to stack filters in order.
//
// Outcomes: exit 0 (the call succeeded), exit ERRNO (it failed with that errno), death by
// SIGSYS (a seccomp kill). Exit 200-204 are the probe's own failures (usage, reading the
// filter, loading it, unknown SYSCALL, preparing the probe) and never an errno (those end
// at 133).
//
// The probe runs on the test host, as root and possibly with no filter at all, so every form
// below is HARMLESS: it either changes only the probe itself, or happens in a child that
// exits at once, or passes arguments that the kernel rejects (EINVAL, EFAULT, ENOENT, EBADF)
// before it acts. Seccomp runs at system call entry, before any of those checks, so the
// filter's answer is never masked by them; run without --filter, each probe shows what the
// kernel itself says. Each form is documented next to its code.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_USAGE 200
#define EXIT_FILTER_READ 201
#define EXIT_FILTER_LOAD 202
#define EXIT_UNKNOWN 203
#define EXIT_SETUP 204

// A path whose parent does not exist, so nothing can be found, mounted or created there.
#define NOWHERE "/nonexistent-warden-probe/target"

// The errno of a raw syscall() result: 0 if it succeeded.
static long result(long value) { return value == -1 ? errno : 0; }

// Waits for a child and returns its exit status; if it died from a signal, the probe dies
// from the same signal, so that a seccomp kill in the child is seen as the probe's SIGSYS.
static long reap(pid_t pid) {
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return errno;
    }
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        signal(sig, SIG_DFL);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise(sig);
        _exit(128 + sig);
    }
    return WEXITSTATUS(status);
}

// ---- ordinary calls: these must keep working under every filter ----------------------------

static long probe_getpid(const char *arg) {
    (void)arg;
    return result(syscall(SYS_getpid));
}

// write(2) of one byte into a pipe.
static long probe_write(const char *arg) {
    (void)arg;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) return errno;
    return syscall(SYS_write, fds[1], "x", 1) == 1 ? 0 : errno;
}

// read(2) of one byte back from a pipe.
static long probe_read(const char *arg) {
    (void)arg;
    int fds[2];
    char byte;
    if (pipe2(fds, O_CLOEXEC) < 0 || write(fds[1], "x", 1) != 1) return errno;
    return syscall(SYS_read, fds[0], &byte, 1) == 1 ? 0 : errno;
}

// openat(2) of /proc/self/status for reading.
static long probe_openat(const char *arg) {
    (void)arg;
    return result(syscall(SYS_openat, AT_FDCWD, "/proc/self/status", O_RDONLY | O_CLOEXEC));
}

// An anonymous private mapping, touched and unmapped.
static long probe_mmap(const char *arg) {
    (void)arg;
    char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) return errno;
    page[0] = 1;
    return result(munmap(page, 4096));
}

// glibc's fork(): clone(SIGCHLD | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID); the child exits.
static long probe_fork(const char *arg) {
    (void)arg;
    pid_t pid = fork();
    if (pid < 0) return errno;
    if (pid == 0) _exit(0);
    return reap(pid);
}

static void *thread_main(void *unused) { return unused; }

// pthread_create: glibc tries clone3 first and falls back to clone on ENOSYS.
static long probe_thread(const char *arg) {
    (void)arg;
    pthread_t thread;
    int error = pthread_create(&thread, NULL, thread_main, NULL);
    if (error) return error;
    return pthread_join(thread, NULL);
}

// ---- other processes -----------------------------------------------------------------------

// PTRACE_PEEKDATA on a pid above any pid_max (2^22): ESRCH.
static long probe_ptrace(const char *arg) {
    (void)arg;
    return result(syscall(SYS_ptrace, PTRACE_PEEKDATA, 0x3fffffff, NULL, NULL));
}

// flags must be 0: EINVAL before any memory is touched.
static long probe_process_vm_readv(const char *arg) {
    (void)arg;
    return result(syscall(SYS_process_vm_readv, getpid(), NULL, 0, NULL, 0, 1));
}

static long probe_process_vm_writev(const char *arg) {
    (void)arg;
    return result(syscall(SYS_process_vm_writev, getpid(), NULL, 0, NULL, 0, 1));
}

// flags must be 0: EINVAL.
static long probe_process_madvise(const char *arg) {
    (void)arg;
    return result(syscall(SYS_process_madvise, -1, NULL, 0, 0, 1));
}

// flags must be 0: EINVAL.
static long probe_pidfd_getfd(const char *arg) {
    (void)arg;
    return result(syscall(SYS_pidfd_getfd, -1, 0, 1));
}

// An unknown comparison type on ourselves: EINVAL.
static long probe_kcmp(const char *arg) {
    (void)arg;
    return result(syscall(SYS_kcmp, getpid(), getpid(), 9999, 0, 0));
}

// ---- mounts and roots: every path is NOWHERE (ENOENT), every flag word invalid (EINVAL) ----

static long probe_mount(const char *arg) {
    (void)arg;
    return result(syscall(SYS_mount, NOWHERE, NOWHERE, NULL, MS_BIND, NULL));
}

static long probe_umount2(const char *arg) {
    (void)arg;
    return result(syscall(SYS_umount2, NOWHERE, 0));
}

static long probe_pivot_root(const char *arg) {
    (void)arg;
    return result(syscall(SYS_pivot_root, NOWHERE, NOWHERE));
}

static long probe_chroot(const char *arg) {
    (void)arg;
    return result(syscall(SYS_chroot, NOWHERE));
}

static long probe_mount_setattr(const char *arg) {
    (void)arg;
    return result(syscall(SYS_mount_setattr, -1, "", ~0U, NULL, 0));
}

static long probe_move_mount(const char *arg) {
    (void)arg;
    return result(syscall(SYS_move_mount, -1, "", -1, "", ~0U));
}

static long probe_open_tree(const char *arg) {
    (void)arg;
    return result(syscall(SYS_open_tree, -1, "", ~0U));
}

static long probe_fsopen(const char *arg) {
    (void)arg;
    return result(syscall(SYS_fsopen, "tmpfs", ~0U));
}

// FSCONFIG_SET_FLAG without a key on a bad descriptor: EINVAL or EBADF.
static long probe_fsconfig(const char *arg) {
    (void)arg;
    return result(syscall(SYS_fsconfig, -1, 0, NULL, NULL, 0));
}

static long probe_fsmount(const char *arg) {
    (void)arg;
    return result(syscall(SYS_fsmount, -1, ~0U, 0));
}

static long probe_fspick(const char *arg) {
    (void)arg;
    return result(syscall(SYS_fspick, -1, "", ~0U));
}

// ---- kernel attack surface -----------------------------------------------------------------

// An unknown command: EINVAL.
static long probe_bpf(const char *arg) {
    (void)arg;
    return result(syscall(SYS_bpf, 9999, NULL, 0));
}

// No attribute structure: EFAULT (or EINVAL/EACCES where perf is restricted).
static long probe_perf_event_open(const char *arg) {
    (void)arg;
    return result(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
}

// Unknown flags: EINVAL.
static long probe_userfaultfd(const char *arg) {
    (void)arg;
    return result(syscall(SYS_userfaultfd, ~0U));
}

// No parameter structure: EFAULT.
static long probe_io_uring_setup(const char *arg) {
    (void)arg;
    return result(syscall(SYS_io_uring_setup, 1, NULL));
}

// Unknown flags: EINVAL.
static long probe_io_uring_enter(const char *arg) {
    (void)arg;
    return result(syscall(SYS_io_uring_enter, -1, 0, 0, ~0U, NULL, 0));
}

// A bad descriptor: EBADF.
static long probe_io_uring_register(const char *arg) {
    (void)arg;
    return result(syscall(SYS_io_uring_register, -1, 0, NULL, 0));
}

// An unknown operation: EOPNOTSUPP.
static long probe_keyctl(const char *arg) {
    (void)arg;
    return result(syscall(SYS_keyctl, 9999, 0, 0, 0, 0));
}

// No key type: EFAULT.
static long probe_add_key(const char *arg) {
    (void)arg;
    return result(syscall(SYS_add_key, NULL, NULL, NULL, 0, 0));
}

static long probe_request_key(const char *arg) {
    (void)arg;
    return result(syscall(SYS_request_key, NULL, NULL, NULL, 0));
}

// ---- namespaces ----------------------------------------------------------------------------

// A flag unshare does not know (CSIGNAL's low bit): EINVAL.
static long probe_unshare(const char *arg) {
    (void)arg;
    return result(syscall(SYS_unshare, 0x1));
}

// A bad descriptor: EBADF.
static long probe_setns(const char *arg) {
    (void)arg;
    return result(syscall(SYS_setns, -1, 0));
}

static const struct {
    const char *name;
    unsigned long flag;
} clone_flags[] = {
    {"newns", CLONE_NEWNS}, {"newcgroup", CLONE_NEWCGROUP}, {"newuts", CLONE_NEWUTS}, {"newipc", CLONE_NEWIPC},
    {"newuser", CLONE_NEWUSER}, {"newpid", CLONE_NEWPID}, {"newnet", CLONE_NEWNET}, {"none", 0},
};

// ARG: flag names joined by '|' (newns, newuser, …, none) or a number. A raw clone(flags |
// SIGCHLD) without a new stack (as fork does); the child, whatever namespaces it got, exits
// at once. Exits 0 if the clone succeeded.
static long probe_clone(const char *arg) {
    unsigned long flags = 0;
    char copy[256];
    snprintf(copy, sizeof copy, "%s", arg ? arg : "none");
    for (char *save = NULL, *word = strtok_r(copy, "|", &save); word; word = strtok_r(NULL, "|", &save)) {
        size_t i, count = sizeof clone_flags / sizeof clone_flags[0];
        for (i = 0; i < count && strcmp(word, clone_flags[i].name) != 0; i++) {}
        flags |= i < count ? clone_flags[i].flag : strtoul(word, NULL, 0);
    }
    long pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
    if (pid < 0) return errno;
    if (pid == 0) syscall(SYS_exit_group, 0);
    return reap((pid_t)pid);
}

// A size below CLONE_ARGS_SIZE_VER0: EINVAL.
static long probe_clone3(const char *arg) {
    (void)arg;
    return result(syscall(SYS_clone3, NULL, 0));
}

// ---- personality ---------------------------------------------------------------------------

// ARG: the persona as a number (default the query 0xffffffff), passed as a full 64-bit
// register. Changes only the probe's own execution domain.
static long probe_personality(const char *arg) {
    unsigned long persona = strtoull(arg ? arg : "0xffffffff", NULL, 0);
    return result(syscall(SYS_personality, persona));
}

// ---- host administration -------------------------------------------------------------------

// An unknown quota type (0xff >= MAXQUOTAS): EINVAL.
static long probe_quotactl(const char *arg) {
    (void)arg;
    return result(syscall(SYS_quotactl, 0xff, NULL, 0, NULL));
}

static long probe_quotactl_fd(const char *arg) {
    (void)arg;
    return result(syscall(SYS_quotactl_fd, -1, 0xff, 0, NULL));
}

// Unknown flags: EINVAL.
static long probe_name_to_handle_at(const char *arg) {
    (void)arg;
    return result(syscall(SYS_name_to_handle_at, -1, NULL, NULL, NULL, ~0U));
}

// SYSLOG_ACTION_SIZE_BUFFER: a read-only query of the log buffer size.
static long probe_syslog(const char *arg) {
    (void)arg;
    return result(syscall(SYS_syslog, 10, NULL, 0));
}

// An unreadable time value: EFAULT, so no time can ever be set.
static long probe_settimeofday(const char *arg) {
    (void)arg;
    return result(syscall(SYS_settimeofday, (void *)1, NULL));
}

// An unknown clock (EINVAL) and an unreadable time value (EFAULT).
static long probe_clock_settime(const char *arg) {
    (void)arg;
    return result(syscall(SYS_clock_settime, 9999, (void *)1));
}

// No timex structure: EFAULT.
static long probe_clock_adjtime(const char *arg) {
    (void)arg;
    return result(syscall(SYS_clock_adjtime, 0, NULL));
}

static long probe_adjtimex(const char *arg) {
    (void)arg;
    return result(syscall(SYS_adjtimex, NULL));
}

// A length beyond __NEW_UTS_LEN: EINVAL.
static long probe_sethostname(const char *arg) {
    (void)arg;
    return result(syscall(SYS_sethostname, NULL, 9999));
}

static long probe_setdomainname(const char *arg) {
    (void)arg;
    return result(syscall(SYS_setdomainname, NULL, 9999));
}

static long vhangup_child(void) {
    if (setsid() < 0) return EXIT_SETUP;
    return result(syscall(SYS_vhangup));
}

// In a child that first leaves its session (setsid), so it has no controlling terminal to
// hang up: returns 0 and does nothing.
static long probe_vhangup(const char *arg) {
    (void)arg;
    pid_t pid = fork();
    if (pid < 0) return errno;
    if (pid == 0) _exit((int)vhangup_child());
    return reap(pid);
}

// Unknown flags: EINVAL.
static long probe_fanotify_init(const char *arg) {
    (void)arg;
    return result(syscall(SYS_fanotify_init, ~0U, 0));
}

#ifdef SYS_modify_ldt
// Function 0 reads the probe's own LDT (empty): returns 0.
static long probe_modify_ldt(const char *arg) {
    (void)arg;
    char buffer[16];
    return result(syscall(SYS_modify_ldt, 0, buffer, sizeof buffer));
}
#endif

// ARG: tiocsti, tioclinux, fionread or a number (may exceed 32 bits). On a pipe, which is no
// terminal: ENOTTY for the terminal requests, 0 for FIONREAD.
static long probe_ioctl(const char *arg) {
    unsigned long request;
    if (!arg || strcmp(arg, "fionread") == 0) request = FIONREAD;
    else if (strcmp(arg, "tiocsti") == 0) request = TIOCSTI;
    else if (strcmp(arg, "tioclinux") == 0) request = TIOCLINUX;
    else request = strtoul(arg, NULL, 0);
    int fds[2];
    int value = 0;
    if (pipe2(fds, O_CLOEXEC) < 0) return errno;
    return result(syscall(SYS_ioctl, fds[0], request, &value));
}

// ---- clearly hostile -----------------------------------------------------------------------

// A bogus architecture in the flags' high half: EINVAL before anything is loaded or unloaded
// (zero segments with valid flags would unload the crash kernel; these flags never are).
static long probe_kexec_load(const char *arg) {
    (void)arg;
    return result(syscall(SYS_kexec_load, 0, 0, NULL, 0xffff0000UL));
}

// Unknown flags: EINVAL.
static long probe_kexec_file_load(const char *arg) {
    (void)arg;
    return result(syscall(SYS_kexec_file_load, -1, -1, 0, NULL, ~0UL));
}

// An empty image: ENOEXEC, nothing loaded.
static long probe_init_module(const char *arg) {
    (void)arg;
    return result(syscall(SYS_init_module, NULL, 0, ""));
}

// A bad descriptor: EBADF.
static long probe_finit_module(const char *arg) {
    (void)arg;
    return result(syscall(SYS_finit_module, -1, "", 0));
}

// A module that does not exist: ENOENT.
static long probe_delete_module(const char *arg) {
    (void)arg;
    return result(syscall(SYS_delete_module, "warden_probe_no_such_module", O_NONBLOCK));
}

// Wrong magic numbers: EINVAL before the command is looked at.
static long probe_reboot(const char *arg) {
    (void)arg;
    return result(syscall(SYS_reboot, 0, 0, 0, NULL));
}

// Unknown swap flags: EINVAL.
static long probe_swapon(const char *arg) {
    (void)arg;
    return result(syscall(SYS_swapon, NOWHERE, ~0U));
}

// A swap file that does not exist: ENOENT.
static long probe_swapoff(const char *arg) {
    (void)arg;
    return result(syscall(SYS_swapoff, NOWHERE));
}

// An invalid path pointer: EFAULT. (NULL would switch process accounting off.)
static long probe_acct(const char *arg) {
    (void)arg;
    return result(syscall(SYS_acct, (const char *)1));
}

#ifdef SYS_iopl
// A level above 3: EINVAL.
static long probe_iopl(const char *arg) {
    (void)arg;
    return result(syscall(SYS_iopl, 4));
}

// Ports beyond IO_BITMAP_BITS, and turning access off anyway: EINVAL.
static long probe_ioperm(const char *arg) {
    (void)arg;
    return result(syscall(SYS_ioperm, 65536, 1, 0));
}
#endif

// A bad mount descriptor (EBADF) or, without CAP_DAC_READ_SEARCH, EPERM.
static long probe_open_by_handle_at(const char *arg) {
    (void)arg;
    return result(syscall(SYS_open_by_handle_at, -1, NULL, 0));
}

#ifdef SYS_lookup_dcookie
// Removed from the kernel in 6.8 (ENOSYS); older kernels: EFAULT or EINVAL.
static long probe_lookup_dcookie(const char *arg) {
    (void)arg;
    return result(syscall(SYS_lookup_dcookie, 0, NULL, 0));
}
#endif

#ifdef SYS_uselib
// A library that does not exist: ENOENT (ENOSYS without CONFIG_USELIB).
static long probe_uselib(const char *arg) {
    (void)arg;
    return result(syscall(SYS_uselib, NOWHERE));
}
#endif

// ---- sockets -------------------------------------------------------------------------------

static const struct {
    const char *name;
    unsigned long family;
} families[] = {
    {"unix", AF_UNIX}, {"inet", AF_INET}, {"inet6", AF_INET6}, {"netlink", AF_NETLINK}, {"packet", AF_PACKET},
};

static unsigned long family_named(const char *arg) {
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        if (strcmp(arg, families[i].name) == 0) return families[i].family;
    }
    return strtoul(arg, NULL, 0);
}

// ARG: unix, inet, inet6, netlink, packet or a number (may exceed 32 bits). A datagram socket,
// closed at once.
static long probe_socket(const char *arg) {
    long fd = syscall(SYS_socket, family_named(arg ? arg : "unix"), SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return errno;
    close((int)fd);
    return 0;
}

// ARG: as for socket. Unfiltered, only AF_UNIX (and a few exotic families) succeed.
static long probe_socketpair(const char *arg) {
    int fds[2];
    if (syscall(SYS_socketpair, family_named(arg ? arg : "unix"), SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
        return errno;
    }
    close(fds[0]);
    close(fds[1]);
    return 0;
}

// ---- process spawning ----------------------------------------------------------------------

static char *const true_argv[] = {"true", NULL};
static char *const empty_envp[] = {NULL};

// Replaces the probe with /bin/true, which exits 0.
static long probe_execve(const char *arg) {
    (void)arg;
    return result(syscall(SYS_execve, "/bin/true", true_argv, empty_envp));
}

static long probe_execveat(const char *arg) {
    (void)arg;
    return result(syscall(SYS_execveat, AT_FDCWD, "/bin/true", true_argv, empty_envp, 0));
}

// ---- other architectures -------------------------------------------------------------------

#if defined(__x86_64__)
// getpid's x32 number (39 | __X32_SYSCALL_BIT): the pid, or ENOSYS without the x32 ABI.
static long probe_x32(const char *arg) {
    (void)arg;
    return result(syscall(0x40000000L | 39));
}

// The i386 getpid (20) through int 0x80: returns the pid with IA-32 emulation, or SIGSEGV
// where the kernel has none. The compat entry clobbers r8-r11.
static long probe_i386(const char *arg) {
    (void)arg;
    long value = 20;
    __asm__ volatile("int $0x80" : "+a"(value) : : "r8", "r9", "r10", "r11", "memory", "cc");
    return value < 0 ? -value : 0;
}
#endif

// --------------------------------------------------------------------------------------------

static const struct {
    const char *name;
    long (*run)(const char *arg);
} probes[] = {
    {"getpid", probe_getpid}, {"read", probe_read}, {"write", probe_write}, {"openat", probe_openat},
    {"mmap", probe_mmap}, {"fork", probe_fork}, {"thread", probe_thread},
    {"ptrace", probe_ptrace}, {"process_vm_readv", probe_process_vm_readv},
    {"process_vm_writev", probe_process_vm_writev}, {"process_madvise", probe_process_madvise},
    {"pidfd_getfd", probe_pidfd_getfd}, {"kcmp", probe_kcmp},
    {"mount", probe_mount}, {"umount2", probe_umount2}, {"pivot_root", probe_pivot_root}, {"chroot", probe_chroot},
    {"mount_setattr", probe_mount_setattr}, {"move_mount", probe_move_mount}, {"open_tree", probe_open_tree},
    {"fsopen", probe_fsopen}, {"fsconfig", probe_fsconfig}, {"fsmount", probe_fsmount}, {"fspick", probe_fspick},
    {"bpf", probe_bpf}, {"perf_event_open", probe_perf_event_open}, {"userfaultfd", probe_userfaultfd},
    {"io_uring_setup", probe_io_uring_setup}, {"io_uring_enter", probe_io_uring_enter},
    {"io_uring_register", probe_io_uring_register},
    {"keyctl", probe_keyctl}, {"add_key", probe_add_key}, {"request_key", probe_request_key},
    {"unshare", probe_unshare}, {"setns", probe_setns}, {"clone", probe_clone}, {"clone3", probe_clone3},
    {"personality", probe_personality},
    {"quotactl", probe_quotactl}, {"quotactl_fd", probe_quotactl_fd}, {"name_to_handle_at", probe_name_to_handle_at},
    {"syslog", probe_syslog}, {"settimeofday", probe_settimeofday}, {"clock_settime", probe_clock_settime},
    {"clock_adjtime", probe_clock_adjtime}, {"adjtimex", probe_adjtimex}, {"sethostname", probe_sethostname},
    {"setdomainname", probe_setdomainname}, {"vhangup", probe_vhangup}, {"fanotify_init", probe_fanotify_init},
#ifdef SYS_modify_ldt
    {"modify_ldt", probe_modify_ldt},
#endif
    {"ioctl", probe_ioctl},
    {"kexec_load", probe_kexec_load}, {"kexec_file_load", probe_kexec_file_load},
    {"init_module", probe_init_module}, {"finit_module", probe_finit_module},
    {"delete_module", probe_delete_module}, {"reboot", probe_reboot}, {"swapon", probe_swapon},
    {"swapoff", probe_swapoff}, {"acct", probe_acct},
#ifdef SYS_iopl
    {"iopl", probe_iopl}, {"ioperm", probe_ioperm},
#endif
    {"open_by_handle_at", probe_open_by_handle_at},
#ifdef SYS_lookup_dcookie
    {"lookup_dcookie", probe_lookup_dcookie},
#endif
#ifdef SYS_uselib
    {"uselib", probe_uselib},
#endif
    {"socket", probe_socket}, {"socketpair", probe_socketpair},
    {"execve", probe_execve}, {"execveat", probe_execveat},
#if defined(__x86_64__)
    {"x32", probe_x32}, {"i386", probe_i386},
#endif
};

// Room for a few stacked filters of the kernel's maximum size (BPF_MAXINSNS instructions).
#define MAX_FILTERS 4
static struct sock_filter filters[MAX_FILTERS][BPF_MAXINSNS];

// Reads FILE into filters[index]; returns the instruction count, or -1 with a message.
static long read_filter(const char *path, int index) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "warden-probe: could not open %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *buffer = (char *)filters[index];
    size_t capacity = sizeof filters[index], size = 0;
    for (;;) {
        ssize_t count = read(fd, buffer + size, capacity - size);
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) {
            fprintf(stderr, "warden-probe: could not read %s: %s\n", path, strerror(errno));
            close(fd);
            return -1;
        }
        if (count == 0) break;
        size += (size_t)count;
        if (size == capacity) {
            char extra;
            if (read(fd, &extra, 1) > 0) {
                fprintf(stderr, "warden-probe: %s is larger than %d instructions\n", path, BPF_MAXINSNS);
                close(fd);
                return -1;
            }
            break;
        }
    }
    close(fd);
    if (size == 0 || size % sizeof(struct sock_filter) != 0) {
        fprintf(stderr, "warden-probe: %s is %zu bytes, not whole instructions\n", path, size);
        return -1;
    }
    return (long)(size / sizeof(struct sock_filter));
}

static int usage(void) {
    fprintf(stderr, "usage: warden-probe [--no-new-privs] [--filter FILE]... SYSCALL [ARG]\n");
    return EXIT_USAGE;
}

int main(int argc, char **argv) {
    // A seccomp kill would otherwise dump core wherever the test runs.
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);

    int no_new_privs = 0, filter_count = 0, index = 1;
    long lengths[MAX_FILTERS];
    const char *paths[MAX_FILTERS];
    for (; index < argc && strncmp(argv[index], "--", 2) == 0; index++) {
        if (strcmp(argv[index], "--no-new-privs") == 0) {
            no_new_privs = 1;
        } else if (strcmp(argv[index], "--filter") == 0 && index + 1 < argc && filter_count < MAX_FILTERS) {
            paths[filter_count] = argv[++index];
            lengths[filter_count] = read_filter(paths[filter_count], filter_count);
            if (lengths[filter_count] < 0) return EXIT_FILTER_READ;
            filter_count++;
        } else {
            return usage();
        }
    }
    if (index >= argc || argc - index > 2) return usage();
    const char *name = argv[index];
    const char *arg = index + 1 < argc ? argv[index + 1] : NULL;

    long (*run)(const char *) = NULL;
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        if (strcmp(probes[i].name, name) == 0) run = probes[i].run;
    }
    if (!run) {
        fprintf(stderr, "warden-probe: no probe for %s\n", name);
        return EXIT_UNKNOWN;
    }

    if (no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        fprintf(stderr, "warden-probe: could not set no_new_privs: %s\n", strerror(errno));
        return EXIT_FILTER_LOAD;
    }
    for (int i = 0; i < filter_count; i++) {
        struct sock_fprog program = {.len = (unsigned short)lengths[i], .filter = filters[i]};
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) {
            fprintf(stderr, "warden-probe: could not load %s: %s\n", paths[i], strerror(errno));
            return EXIT_FILTER_LOAD;
        }
    }
    return (int)run(arg);
}
