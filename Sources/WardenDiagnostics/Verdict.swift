import WardenProtocol

/// What ended the run, decided from the kernel's facts first and the harness's claims second.
enum Verdict: Equatable {
    case success
    /// The sandbox failed before the code ran.
    case system(String)
    case timeout(LimitKind)
    /// The kernel's OOM kill, a SIGKILL at the memory ceiling, or a Python `MemoryError`.
    case memory
    /// seccomp killed the process (SIGSYS); the syscall number when known.
    case seccomp(Int?)
    case syntax(HarnessException)
    case blockedImport(module: String, HarnessException)
    case importFailure(HarnessException)
    case denied(SecurityKind, HarnessException)
    case resource(ResourceKind, HarnessException?)
    /// Any other exception that escaped the user's code.
    case exception(HarnessException)
    /// `sys.exit(n)` with n ≠ 0, reported by the harness and confirmed by the exit status.
    case scriptExit(Int)
    /// Killed by a signal that is not a limit (no valid report can explain it).
    case signal(Int32)
    /// Exited non-zero without a valid report.
    case processExit(Int)

    var category: ErrorCategory? {
        switch self {
        case .success: nil
        case .system: .systemError
        case .timeout: .timeoutError
        case .memory: .memoryError
        case .seccomp, .blockedImport, .denied: .securityError
        case .syntax: .syntaxError
        case .importFailure: .importError
        case .resource: .resourceError
        case .exception, .scriptExit, .signal, .processExit: .runtimeError
        }
    }
}

enum SecurityKind: String {
    case fileRead = "file_read"
    case fileWrite = "file_write"
    case network = "network_access"
    case process = "process_spawn"
    /// A system call the seccomp filter refuses with EPERM (ptrace, mount, unshare, chroot, …).
    case syscall
}

enum ResourceKind: String {
    case fileSize = "file_size"
    case openFiles = "open_files"
    case processes
    case disk
}

extension Verdict {
    /// The report, if the kernel's facts agree with it; nil when it must be ignored.
    ///
    /// The report is written by a process that also runs the user's code, so it can be
    /// forged. It is kept only where it is consistent with how the process ended:
    /// - killed by a signal: only a `timeout` report (the harness reports the soft timeout
    ///   signal and may then be killed), because nothing else explains a signal death;
    /// - exit status 0: only an `ok` report (a failure claimed by a process that exited
    ///   cleanly contradicts the kernel; the harness exits non-zero on every failure);
    /// - exit status n ≠ 0: every report but `ok` (an `ok` claim is overridden by the status).
    static func trustedReport(_ facts: ExecutionFacts) -> HarnessReport? {
        guard let report = facts.report else { return nil }
        let observation = facts.observation
        if observation.signal != nil {
            return report.status == .timeout ? report : nil
        }
        guard let status = observation.exitStatus else { return nil }
        if status == 0 { return report.status == .ok ? report : nil }
        return report.status == .ok ? nil : report
    }

    /// The category decision of SPEC §3, in priority order (the kernel's facts first).
    ///
    /// A process that exits with status 0 without a valid report is a success with no
    /// variables: a script may end itself with `os._exit(0)`, which skips the harness's report,
    /// and the kernel's exit status is the ground truth. Treating it as a sandbox failure would
    /// make a legitimate script unrunnable.
    static func decide(_ facts: ExecutionFacts, report: HarnessReport?) -> Verdict {
        let observation = facts.observation
        let limits = facts.limits
        let signal = observation.signal
        let exception = report?.exception

        // 1. The sandbox itself failed.
        if let failure = facts.systemFailure { return .system(failure) }
        // 2. The wall clock ran out (the supervisor's own decision).
        if observation.wallTimeoutHit { return .timeout(.wall) }
        // 3. The CPU-time limit: SIGXCPU, a SIGKILL at the hard CPU limit, or the harness's
        //    report of the soft limit's signal.
        if signal == SignalNames.sigxcpu { return .timeout(.cpu) }
        if signal == SignalNames.sigkill, limits.cpuSeconds > 0,
            observation.cpuSeconds >= limits.cpuSeconds - 0.05
        {
            return .timeout(.cpu)
        }
        // A timeout report is believed only when the kernel's CPU accounting backs it: the
        // harness reports SIGXCPU at the soft limit; a report written by the user's code
        // before its CPU time ran out is forged and falls through to the exit status.
        if report?.status == .timeout, limits.cpuSeconds > 0, observation.cpuSeconds >= limits.cpuSeconds - 0.1 {
            return .timeout(.cpu)
        }
        // 4. Memory: the kernel's OOM kill, Python's MemoryError, or a SIGKILL at the ceiling.
        if observation.oomKilled { return .memory }
        if let exception, exception.type == "MemoryError" { return .memory }
        if signal == SignalNames.sigkill, limits.memoryBytes > 0,
            Double(observation.peakMemoryBytes) >= 0.9 * Double(limits.memoryBytes)
        {
            return .memory
        }
        // 5. seccomp killed the process.
        if signal == SignalNames.sigsys { return .seccomp(observation.seccompSyscall) }

        // 12 (signals). A signal no limit explains; a file-size signal is a resource limit.
        if let signal {
            return signal == SignalNames.sigxfsz ? .resource(.fileSize, nil) : .signal(signal)
        }

        guard let report else {
            // 12 (exit). No valid report: only the exit status is known.
            let status = observation.exitStatus ?? 0
            return status == 0 ? .success : .processExit(status)
        }
        switch report.status {
        case .ok:
            return .success
        case .timeout:
            // Not backed by the kernel's facts (rule 3): only the exit status is known.
            return .processExit(observation.exitStatus ?? 1)
        case .exit:
            return .scriptExit(observation.exitStatus ?? report.exitCode ?? 1)
        case .syntaxError:
            if let exception { return .syntax(exception) }
            return .processExit(observation.exitStatus ?? 1)
        case .exception:
            guard let exception else { return .processExit(observation.exitStatus ?? 1) }
            return classify(exception)
        }
    }

    /// Rules 6–11 for an exception that escaped the user's code.
    static func classify(_ exception: HarnessException) -> Verdict {
        if exception.syntax != nil || ["SyntaxError", "IndentationError", "TabError"].contains(exception.type) {
            return .syntax(exception)
        }
        if let module = exception.blockedImport, !module.isEmpty {
            return .blockedImport(module: module, exception)
        }
        if exception.type == "ImportError" || exception.type == "ModuleNotFoundError" {
            return .importFailure(exception)
        }
        if let resource = ResourceKind.detect(exception) { return .resource(resource, exception) }
        if let kind = SecurityKind.detect(exception) { return .denied(kind, exception) }
        return .exception(exception)
    }
}
