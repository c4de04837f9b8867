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

    public init(reason: Reason, userSeconds: Double, systemSeconds: Double, maxResidentBytes: Int) {
        self.reason = reason
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
        self.maxResidentBytes = maxResidentBytes
    }
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

    /// Sets a resource limit of the running child (prlimit); used to give a pre-started worker
    /// the limits of the request it is handed.
    public func setLimit(_ limit: ResourceLimit) throws(JailError) {
        let rc = wj_prlimit(pid, limit.resource, limit.soft, limit.hard)
        if rc != 0 { throw JailError(step: "set a resource limit of worker \(pid)", errno: -rc) }
    }

    /// CPU seconds (user + system) the child has used so far, from /proc/PID/stat.
    public func cpuSecondsUsed() -> Double {
        guard let stat = CgroupFile.read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After "(comm)": state is field 0, utime 11, stime 12 (fields 14 and 15 of proc(5)).
        guard fields.count > 12, let user = Double(String(fields[11])), let system = Double(String(fields[12])) else {
            return 0
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Closes the pidfd. Call once, after the child was reaped.
    public func close() {
        _ = Glibc.close(pidfd)
    }
}
