import CWardenJail

#if canImport(Glibc)
import Glibc
#endif

/// How a child ended, with the kernel's accounting.
public struct ChildExit: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    public var reason: Reason
    public var userSeconds: Double
    public var systemSeconds: Double
    /// Peak resident set size in bytes (rusage).
    public var maxResidentBytes: Int
}

/// A spawned worker, watched through its pidfd (never by bare pid, which may be reused).
public struct ChildProcess: Sendable {
    public let pid: pid_t
    public let pidfd: Int32

    /// Sends `signal` to the process through its pidfd. ESRCH (already gone) is not an error.
    public func signal(_ signal: Int32) {
        _ = wj_pidfd_signal(pidfd, signal)
    }

    /// Sends `signal` to the whole process group the child leads.
    public func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// Reaps the child if it has exited: nil while it is still running.
    public func reapIfExited() throws(JailError) -> ChildExit? {
        try wait(options: WEXITED | WNOHANG)
    }

    /// Blocks until the child exits and reaps it.
    public func reap() throws(JailError) -> ChildExit {
        guard let exit = try wait(options: WEXITED) else {
            throw JailError(step: "reap the worker", errno: ECHILD)
        }
        return exit
    }

    private func wait(options: Int32) throws(JailError) -> ChildExit? {
        var code: Int32 = 0
        var status: Int32 = 0
        var user: Int64 = 0
        var system: Int64 = 0
        var maxrss: Int64 = 0
        let rc = wj_wait_pidfd(pidfd, options, &code, &status, &user, &system, &maxrss)
        if rc < 0 { throw JailError(step: "wait for the worker", errno: -rc) }
        // WNOHANG and still running: the kernel leaves si_pid/si_code zero.
        if code == 0 { return nil }
        let reason: ChildExit.Reason = (code == CLD_EXITED) ? .exited(status) : .signaled(status)
        return ChildExit(
            reason: reason, userSeconds: Double(user) / 1e6, systemSeconds: Double(system) / 1e6,
            maxResidentBytes: Int(maxrss) * 1024
        )
    }

    /// Closes the pidfd. Call once, after the child was reaped.
    public func close() {
        _ = Glibc.close(pidfd)
    }
}
