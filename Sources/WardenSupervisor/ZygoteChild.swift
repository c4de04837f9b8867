import CWardenJail
import Foundation
import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// A worker a zygote forked: watched and signalled through a pidfd of the supervisor's own
/// (`pidfd_open`), while its exit facts come from its parent, the zygote (wait4), because only
/// a parent can reap. The worker is PID 1 of its own PID namespace and leads its own session,
/// so its pid is also its process group.
struct ZygoteChild: SupervisedProcess {
    let zygote: Zygote
    let pid: pid_t
    let pidfd: Int32
    let zygotePID: Int32
    /// How long the exit facts may trail the pidfd saying the worker has ended.
    static let exitReportSeconds = 2.0

    /// Opens a pidfd for the worker the kernel named in the zygote's reply, and checks that it
    /// is the zygote's child with that pid in the zygote's namespace (and PID 1 in its own).
    static func adopt(zygote: Zygote, zygotePID: Int32, hostPID: Int32) throws(JailError) -> ZygoteChild {
        let pidfd = wj_pidfd_open(hostPID)
        if pidfd < 0 { throw JailError(step: "open a pidfd for the forked worker \(hostPID)", errno: -pidfd) }
        let status = "\n" + (ProcFile.read("/proc/\(hostPID)/status") ?? "")
        func field(_ name: String) -> Substring? {
            guard let start = status.range(of: "\n" + name + ":") else { return nil }
            let rest = status[start.upperBound...]
            return rest[..<(rest.firstIndex(of: "\n") ?? rest.endIndex)]
        }
        let parent = field("PPid").map { $0.trimmingCharacters(in: .whitespaces) }
        let chain = (field("NSpid") ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Int32($0) }
        guard parent == String(zygote.process.pid), chain.count >= 3,
            chain[0] == hostPID, chain[chain.count - 2] == zygotePID, chain[chain.count - 1] == 1
        else {
            _ = Glibc.close(pidfd)
            throw JailError(step: "confirm the forked worker \(hostPID) is the zygote's (PPid/NSpid differ)", errno: ESRCH)
        }
        return ZygoteChild(zygote: zygote, pid: hostPID, pidfd: pidfd, zygotePID: zygotePID)
    }

    func signal(_ signal: Int32) {
        _ = wj_pidfd_signal(pidfd, signal)
    }

    /// The worker is PID 1 of its own PID namespace: its end takes every descendant with it,
    /// so the group needs no signal of its own — and a bare `kill(-pid)` could reach a group
    /// that reuses the pid once the zygote has reaped the worker.
    func signalGroup(_ signal: Int32) {
        self.signal(signal)
    }

    func reapIfExited() throws(JailError) -> ChildExit? {
        guard hasEnded(waitMilliseconds: 0) else { return nil }
        return try exitFacts()
    }

    func reap() throws(JailError) -> ChildExit {
        while !hasEnded(waitMilliseconds: 1000) {}
        return try exitFacts()
    }

    func close() {
        zygote.forget(zygotePID)
        _ = Glibc.close(pidfd)
    }

    private func exitFacts() throws(JailError) -> ChildExit {
        guard let exit = try zygote.exit(of: zygotePID, timeout: Self.exitReportSeconds) else {
            throw JailError(step: "learn how the worker ended (the zygote did not report it)", errno: ETIMEDOUT)
        }
        return exit
    }

}
