#if canImport(Glibc)
import Glibc
#endif

/// What the kernel does when a seccomp rule matches.
///
/// Pure data: `SeccompCompiler` turns it into the kernel's `SECCOMP_RET_*` value.
public enum SeccompAction: Sendable, Equatable, Hashable {
    /// Let the system call run.
    case allow
    /// Fail the system call with this errno without running it (`SECCOMP_RET_ERRNO`).
    case errno(Int32)
    /// Kill the whole process with `SIGSYS` (`SECCOMP_RET_KILL_PROCESS`).
    case killProcess
}

/// One comparison of a system call argument, as `struct scmp_arg_cmp` expresses it.
///
/// Arguments are compared as full 64-bit register values. The kernel often reads fewer bits
/// (an `int` or `unsigned int` parameter ignores the upper half), so a rule written with
/// `equal`/`notEqual` on such an argument errs on the side of denying: write `maskedEqual`
/// with `mask: 0xffff_ffff` where the denial must hold whatever the upper half holds.
public struct SeccompCondition: Sendable, Equatable, Hashable {
    public enum Comparison: Sendable, Equatable, Hashable {
        case equal
        case notEqual
        case lessThan
        case greaterThan
        /// `(argument & mask) == value`.
        case maskedEqual(mask: UInt64)
    }

    /// Index of the argument, 0 through 5, in the kernel's order for the native architecture.
    public var argument: Int
    public var comparison: Comparison
    public var value: UInt64

    public init(argument: Int, _ comparison: Comparison, _ value: UInt64) {
        precondition((0...5).contains(argument), "system calls have six arguments")
        self.argument = argument
        self.comparison = comparison
        self.value = value
    }
}

/// One rule: when `syscall` is called and every condition holds, take `action`.
public struct SeccompRule: Sendable, Equatable, Hashable {
    /// The system call's name as libseccomp knows it (`"ptrace"`, `"clone3"`); a name the
    /// native architecture lacks is skipped by the compiler and reported.
    public var syscall: String
    public var action: SeccompAction
    /// All must hold for the rule to match (logical AND). libseccomp allows at most one
    /// comparison per argument in a rule; to OR conditions, write several rules.
    public var conditions: [SeccompCondition]

    public init(_ syscall: String, _ action: SeccompAction, _ conditions: [SeccompCondition] = []) {
        precondition(
            Set(conditions.map(\.argument)).count == conditions.count,
            "libseccomp compares each argument at most once per rule"
        )
        self.syscall = syscall
        self.action = action
        self.conditions = conditions
    }
}

/// A seccomp filter as data: a default action and the rules that override it.
///
/// The kernel runs every stacked filter on every system call and takes the most severe
/// result, so stage 2 can only narrow stage 1. See `docs/seccomp.md` for each rule's reason.
public struct SeccompPolicy: Sendable, Equatable {
    public var defaultAction: SeccompAction
    public var rules: [SeccompRule]

    public init(defaultAction: SeccompAction, rules: [SeccompRule]) {
        self.defaultAction = defaultAction
        self.rules = rules
    }
}

extension SeccompPolicy {
    /// What no execution may ever do. Loaded by the shim in the child just before `execve` of
    /// the interpreter, after `no_new_privs`. Deny-list on a default of allow.
    ///
    /// - Parameter allowNetwork: without it, `socket` and `socketpair` fail with `EPERM` for
    ///   every address family except `AF_UNIX`.
    public static func stage1(allowNetwork: Bool) -> SeccompPolicy {
        let eperm = SeccompAction.errno(EPERM)
        var rules: [SeccompRule] = []
        func deny(_ action: SeccompAction, _ names: String...) {
            rules += names.map { SeccompRule($0, action) }
        }
        // Reaching into other processes (the ptrace family). Debuggers and anti-debugging
        // checks probe these and expect EPERM, which Yama already returns on most hosts.
        deny(eperm, "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "pidfd_getfd", "kcmp")
        // Changing the filesystem view: old and new mount API, root changes.
        deny(
            eperm, "mount", "umount2", "pivot_root", "chroot", "mount_setattr", "move_mount", "open_tree",
            "fsopen", "fsconfig", "fsmount", "fspick"
        )
        // Large kernel attack surfaces that libraries probe for features.
        deny(eperm, "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register")
        // The kernel keyring.
        deny(eperm, "keyctl", "add_key", "request_key")
        // Namespaces: joining or creating any. clone3 passes its flags in memory, out of the
        // filter's reach, so it reports "not implemented" and glibc/CPython fall back to clone.
        deny(eperm, "unshare", "setns")
        for flag in SeccompABI.namespaceCloneFlags {
            // x86_64 and aarch64: clone(flags, stack, parent_tid, child_tid, tls), flags first.
            rules.append(SeccompRule("clone", eperm, [SeccompCondition(argument: 0, .maskedEqual(mask: flag), flag)]))
        }
        deny(.errno(ENOSYS), "clone3")
        // Execution domains other than Linux (READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE, …).
        rules += personalityRules(action: eperm)
        // Privileged host administration that ordinary tools query and expect EPERM from.
        deny(
            eperm, "quotactl", "quotactl_fd", "name_to_handle_at", "syslog", "settimeofday", "clock_settime",
            "clock_adjtime", "adjtimex", "sethostname", "setdomainname", "vhangup", "fanotify_init", "modify_ldt"
        )
        // Typing into the controlling terminal of whoever started us. `cmd` is an unsigned int
        // to the kernel, so compare only the low 32 bits (bubblewrap, CVE-2017-5226 and
        // CVE-2019-10063; TIOCLINUX: CVE-2023-28100).
        for request in [SeccompABI.TIOCSTI, SeccompABI.TIOCLINUX] {
            rules.append(
                SeccompRule("ioctl", eperm, [SeccompCondition(argument: 1, .maskedEqual(mask: 0xffff_ffff), request)])
            )
        }
        // Clearly hostile: nothing a sandboxed program does by accident or as a feature probe.
        deny(
            .killProcess, "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
            "swapon", "swapoff", "acct", "iopl", "ioperm", "open_by_handle_at", "lookup_dcookie", "uselib"
        )
        if !allowNetwork {
            // Only local Unix sockets without the network capability. `domain` is an int to the
            // kernel; comparing all 64 bits denies odd upper halves too, which is the safe side.
            for name in ["socket", "socketpair"] {
                rules.append(SeccompRule(name, eperm, [SeccompCondition(argument: 0, .notEqual, SeccompABI.AF_UNIX)]))
            }
        }
        return SeccompPolicy(defaultAction: .allow, rules: rules)
    }

    /// The zygote's own filter: stage 1 without the two rules its per-execution fork needs
    /// lifted — `clone` with namespace flags (each worker gets new PID, mount and IPC
    /// namespaces) and `mount` (its `/proc` and `/work`). The zygote never runs user code;
    /// every worker it forks loads `zygoteWorker()` (and stage 2) on top before its job.
    public static func zygote() -> SeccompPolicy {
        var policy = stage1(allowNetwork: false)
        policy.rules.removeAll(where: isLiftedForZygote)
        return policy
    }

    /// Exactly the stage-1 rules `zygote()` lifts. Stacked on the zygote's filter (which every
    /// forked worker inherits) it makes stage 1 whole again: a system call is allowed only if
    /// every filter allows it. A worker loads these few instructions instead of all of stage
    /// 1 — the kernel checks and compiles each filter it is given (~0.2 ms for stage 1), and
    /// every system call of the execution runs every filter of the stack.
    public static func zygoteWorker() -> SeccompPolicy {
        SeccompPolicy(defaultAction: .allow, rules: stage1(allowNetwork: false).rules.filter(isLiftedForZygote))
    }

    private static func isLiftedForZygote(_ rule: SeccompRule) -> Bool {
        rule.syscall == "mount" || (rule.syscall == "clone" && !rule.conditions.isEmpty)
    }

    /// What this execution may not do once the interpreter is running. Loaded by the harness
    /// through `prctl(PR_SET_SECCOMP)` before user code; stacks on stage 1.
    ///
    /// Only what the interpreter needs during start-up but user code must not have: stage 1
    /// holds everything else, and every stacked filter costs time on every system call.
    ///
    /// - Parameter allowSubprocess: without it, `execve` and `execveat` fail with `EPERM`.
    public static func stage2(allowSubprocess: Bool) -> SeccompPolicy {
        var rules: [SeccompRule] = []
        if !allowSubprocess {
            rules += ["execve", "execveat"].map { SeccompRule($0, .errno(EPERM)) }
        }
        return SeccompPolicy(defaultAction: .allow, rules: rules)
    }

    /// `personality` is allowed only for `PER_LINUX` (0) and the query `0xffffffff`.
    ///
    /// libseccomp compares an argument once per rule, so "not 0 and not 0xffffffff" is written
    /// as a union of single comparisons: a value above 32 bits, or a low word with bit `i` set
    /// and bit `i+1 mod 32` clear. A 32-bit word has such a pair exactly when it is neither all
    /// zeros nor all ones (walking the bits in a circle, a mixed word must step from 1 to 0).
    private static func personalityRules(action: SeccompAction) -> [SeccompRule] {
        var rules = [SeccompRule("personality", action, [SeccompCondition(argument: 0, .greaterThan, 0xffff_ffff)])]
        for bit in 0..<32 {
            let set: UInt64 = 1 << bit
            let clear: UInt64 = 1 << ((bit + 1) % 32)
            rules.append(
                SeccompRule(
                    "personality", action, [SeccompCondition(argument: 0, .maskedEqual(mask: set | clear), set)])
            )
        }
        return rules
    }
}

/// Linux ABI constants used by the policies, spelled out so the data needs no C headers.
enum SeccompABI {
    static let AF_UNIX: UInt64 = 1
    static let TIOCSTI: UInt64 = 0x5412
    static let TIOCLINUX: UInt64 = 0x541C
    /// CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET. (CLONE_NEWTIME is only
    /// valid for clone3 and unshare; in clone's flags its bit belongs to the exit signal.)
    static let namespaceCloneFlags: [UInt64] = [
        0x0002_0000, 0x0200_0000, 0x0400_0000, 0x0800_0000, 0x1000_0000, 0x2000_0000, 0x4000_0000,
    ]
}
