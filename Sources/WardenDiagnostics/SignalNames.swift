import WardenProtocol

/// Linux signal numbers (x86_64 and aarch64 agree on 1–31) and the names users know them by.
enum SignalNames {
    static let sigkill: Int32 = 9
    static let sigxcpu: Int32 = 24
    static let sigxfsz: Int32 = 25
    static let sigsys: Int32 = 31

    private static let names: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
        8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE",
        14: "SIGALRM", 15: "SIGTERM", 16: "SIGSTKFLT", 17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP",
        20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU", 23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ",
        26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH", 29: "SIGIO", 30: "SIGPWR", 31: "SIGSYS",
    ]

    /// "SIGSEGV", or "signal 40" for numbers without a name (real-time signals).
    static func name(_ signal: Int32) -> String {
        names[signal] ?? "signal \(signal)"
    }

    /// What a signal usually means for a Python program, for `context`.
    static func meaning(_ signal: Int32) -> String? {
        switch signal {
        case 11: "a segmentation fault: native code (an extension module or ctypes) read or wrote invalid memory"
        case 6: "an abort: native code or the interpreter detected a fatal inconsistency"
        case 7: "a bus error: native code accessed memory that is not backed by a file or page"
        case 4: "an illegal instruction in native code"
        case 8: "an arithmetic fault in native code"
        case 9: "SIGKILL, which a process cannot catch; the code or one of its own processes sent it"
        case 15: "SIGTERM; the code or one of its own processes sent it"
        case 13: "a write to a closed pipe"
        case 2: "an interrupt (SIGINT)"
        default: nil
        }
    }
}

/// x86_64 system call numbers of the calls a sandbox typically denies, for naming the call
/// that made seccomp kill the process.
enum SyscallNames {
    private static let x86_64: [Int: String] = [
        41: "socket", 42: "connect", 43: "accept", 49: "bind", 50: "listen", 53: "socketpair",
        56: "clone", 57: "fork", 58: "vfork", 59: "execve", 62: "kill", 101: "ptrace",
        135: "personality", 155: "pivot_root", 161: "chroot", 163: "acct", 165: "mount",
        166: "umount2", 167: "swapon", 168: "swapoff", 169: "reboot", 170: "sethostname",
        171: "setdomainname", 175: "init_module", 176: "delete_module", 179: "quotactl",
        200: "tkill", 234: "tgkill", 246: "kexec_load", 248: "add_key", 249: "request_key",
        250: "keyctl", 272: "unshare", 288: "accept4", 298: "perf_event_open", 304: "open_by_handle_at",
        308: "setns", 310: "process_vm_readv", 311: "process_vm_writev", 313: "finit_module",
        317: "seccomp", 320: "kexec_file_load", 321: "bpf", 322: "execveat", 323: "userfaultfd",
        425: "io_uring_setup", 426: "io_uring_enter", 427: "io_uring_register", 428: "open_tree",
        429: "move_mount", 430: "fsopen", 431: "fsconfig", 432: "fsmount", 433: "fspick",
        434: "pidfd_open", 435: "clone3",
    ]

    static func name(_ number: Int) -> String? { x86_64[number] }

    /// "ptrace (101)", or "number 999" when the name is not in the table.
    static func describe(_ number: Int) -> String {
        if let name = x86_64[number] { return "\(name) (\(number))" }
        return "number \(number)"
    }

    /// The kind of action a denied system call stands for.
    static func violationKind(_ name: String?) -> SyscallKind {
        switch name {
        case "socket", "connect", "accept", "accept4", "bind", "listen", "socketpair": .network
        case "clone", "clone3", "fork", "vfork", "execve", "execveat": .process
        default: .kernel
        }
    }

    enum SyscallKind { case network, process, kernel }

    /// Words in Python source that typically lead to a system call, to point at the likely line.
    static func sourceHints(_ kind: SyscallKind, name: String?) -> [String] {
        switch kind {
        case .network: ["socket", "connect", "urlopen", "urllib", "http.client", "requests.", "smtplib"]
        case .process: ["subprocess", "Popen", "os.system", "os.fork", "fork(", "os.exec", "spawn", "multiprocessing"]
        case .kernel:
            ["ctypes", "syscall", name ?? "", "ptrace", "mount", "unshare"].filter { !$0.isEmpty }
        }
    }
}
