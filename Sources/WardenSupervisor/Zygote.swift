import CWardenJail
import Foundation
import Logging
import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// One zygote: a confined interpreter with the harness (and the preloaded modules) imported,
/// which forks a worker per request instead of the supervisor starting an interpreter
/// (docs/zygote.md). It is spawned like a worker — every namespace, a read-only root, the
/// server's memory, file-size and descriptor maxima as rlimits (no CPU or process limit: it
/// lives long and forks; each worker sets those), no_new_privs, a seccomp filter — except that
/// it keeps its capabilities inside its own user namespace: each fork needs them to build the worker's
/// namespaces, mounts and identity. It never runs user code.
///
/// Talks to its zygote over a SOCK_SEQPACKET socket (the protocol is described in harness.py,
/// "zygote"). A reader thread takes every message the zygote sends: fork replies, and the exit
/// facts of its workers (wait4), which `ZygoteChild` hands to the observer.
///
/// @unchecked Sendable: every mutable field is guarded by `condition`.
final class Zygote: @unchecked Sendable {
    /// What the zygote answered to one fork request.
    enum ForkReply {
        /// The worker's pid inside the zygote's PID namespace, and in the daemon's.
        case forked(zygotePID: Int32, hostPID: Int32)
        case failed(String)
    }

    let process: ChildProcess
    let cgroup: ExecutionCgroup?
    private let control: Int32
    private let diagnostics: Int32
    private let logger: Logger
    private let condition = NSCondition()
    /// Fork requests waiting for their reply; a reply to anything else (a request that timed
    /// out, or one never made) is dropped, so that nothing the zygote says can grow `replies`.
    private var pending: Set<Int> = []
    private var replies: [Int: ForkReply] = [:]
    /// Workers forked for a request, until `forget`: the only ones whose exit facts are kept.
    private var workers: Set<Int32> = []
    private var exits: [Int32: ChildExit] = [:]
    private var nextRequest = 1
    private var ready = false
    private(set) var isAlive = true
    /// Set (under `condition`) when the reader thread has closed `control` and `diagnostics`.
    private var controlClosed = false
    private var stopped = false
    private(set) var forks = 0

    private init(process: ChildProcess, cgroup: ExecutionCgroup?, control: Int32, diagnostics: Int32, logger: Logger) {
        self.process = process
        self.cgroup = cgroup
        self.control = control
        self.diagnostics = diagnostics
        self.logger = logger
    }

    /// Spawns a zygote from `spec` (whose descriptors 6 and 2 must be `control.child` and
    /// `diagnostics.write`) and waits until it says it is ready. Takes `control.parent` and
    /// `diagnostics.read` in every case: they are closed here when the spawn fails, else by the
    /// zygote's reader thread; the caller never closes them.
    static func start(
        spec: SpawnSpec, control: (parent: Int32, child: Int32), diagnostics: (read: Int32, write: Int32),
        cgroup: ExecutionCgroup?, readyTimeout: Double, logger: Logger
    ) throws -> Zygote {
        let process: ChildProcess
        do {
            process = try Spawner.spawn(spec)
        } catch {
            Descriptors.close(control.parent)
            Descriptors.close(diagnostics.read)
            throw error
        }
        let zygote = Zygote(
            process: process, cgroup: cgroup, control: control.parent, diagnostics: diagnostics.read, logger: logger
        )
        let thread = Thread { zygote.readMessages() }
        thread.name = "warden-zygote-\(process.pid)"
        thread.start()
        let deadline = Date(timeIntervalSinceNow: readyTimeout)
        zygote.condition.lock()
        while !zygote.ready && zygote.isAlive && zygote.condition.wait(until: deadline) {}
        let ready = zygote.ready
        zygote.condition.unlock()
        if !ready {
            zygote.stop()
            throw JailError(step: "start the zygote (it did not report ready within \(readyTimeout) s)", errno: ETIMEDOUT)
        }
        return zygote
    }

    /// Asks the zygote for a worker that gets `descriptors` (stdout, stderr, report and job
    /// ends) as its 1-4, runs as `uid`/`gid` of the zygote's user namespace, and gets a /work
    /// tmpfs of `workBytes`, and `cpuSeconds`/`processes` as hard rlimits (the server's maxima).
    /// Returns it once the kernel confirmed it is the zygote's child.
    func fork(
        descriptors: [Int32], uid: UInt32, gid: UInt32, workBytes: Int, cpuSeconds: Int, processes: Int,
        background: Bool = false, rehearse: Bool = false, timeout: Double = 5
    ) throws -> ZygoteChild {
        precondition(descriptors.count == 4, "a worker gets four descriptors")
        // The send happens under the lock, and only while the reader thread has not closed the
        // socket: a closed descriptor's number may already belong to a client's connection,
        // which must never receive a worker's descriptors.
        condition.lock()
        guard isAlive && !controlClosed else {
            condition.unlock()
            throw JailError(step: "fork a worker (the zygote has ended)", errno: ESRCH)
        }
        let request = nextRequest
        nextRequest += 1
        let command = #"{"op":"fork","id":\#(request),"uid":\#(uid),"gid":\#(gid),"work_bytes":\#(workBytes),"cpu_seconds":\#(cpuSeconds),"processes":\#(processes),"idle":\#(background),"rehearse":\#(rehearse)}"#
        let bytes = Array(command.utf8)
        let sent = descriptors.withUnsafeBufferPointer { fds in
            wj_send_with_fds(control, bytes, bytes.count, fds.baseAddress, Int32(fds.count))
        }
        if sent >= 0 { pending.insert(request) }
        condition.unlock()
        if sent < 0 { throw JailError(step: "send a fork request to the zygote", errno: Int32(-sent)) }

        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        while replies[request] == nil && isAlive && condition.wait(until: deadline) {}
        pending.remove(request)
        let reply = replies.removeValue(forKey: request)
        condition.unlock()
        switch reply {
        case .forked(let zygotePID, let hostPID)?:
            do {
                return try ZygoteChild.adopt(zygote: self, zygotePID: zygotePID, hostPID: hostPID)
            } catch {
                forget(zygotePID)
                throw error
            }
        case .failed(let reason)?:
            throw JailError(step: "fork a worker in the zygote (\(reason))", errno: EAGAIN)
        case nil:
            throw JailError(step: "fork a worker in the zygote (no answer)", errno: isAlive ? ETIMEDOUT : ESRCH)
        }
    }

    /// The exit facts of a worker, once the zygote reaped it; waits up to `timeout` seconds.
    /// Throws when the zygote ended without reporting them.
    func exit(of zygotePID: Int32, timeout: Double) throws(JailError) -> ChildExit? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while exits[zygotePID] == nil && isAlive && timeout > 0 && condition.wait(until: deadline) {}
        // Kept until `forget` (the worker's `close`): `PreparedWorker.finish` asks again after
        // the observer reaped the worker, and must not wait for a report that was consumed.
        if let exit = exits[zygotePID] { return exit }
        if !isAlive {
            throw JailError(step: "learn how the worker ended (its zygote ended first)", errno: ESRCH)
        }
        return nil
    }

    /// Forgets a worker's exit facts (its `close`, or a worker abandoned before it was reaped).
    func forget(_ zygotePID: Int32) {
        condition.lock()
        workers.remove(zygotePID)
        exits.removeValue(forKey: zygotePID)
        condition.unlock()
    }

    /// Ends the zygote (and with it, as PID 1 of its namespace, any worker it still has),
    /// reaps it and removes its cgroup.
    /// Idempotent.
    func stop() {
        // Only while the reader thread has not closed the socket: a closed descriptor's number
        // may already belong to something else (a client's connection).
        condition.lock()
        if stopped {
            condition.unlock()
            return
        }
        stopped = true
        if !controlClosed { shutdown(control, Int32(SHUT_RDWR)) }
        condition.unlock()
        process.signal(SIGKILL)
        _ = try? process.reap()
        process.close()
        condition.lock()
        isAlive = false
        condition.broadcast()
        condition.unlock()
        try? cgroup?.remove()
    }

    // MARK: - Reader thread

    private func readMessages() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var fds = [
            pollfd(fd: control, events: Int16(POLLIN), revents: 0),
            pollfd(fd: diagnostics, events: Int16(POLLIN), revents: 0),
        ]
        var diagnosticsOpen = true
        loop: while true {
            let ready = poll(&fds, nfds_t(diagnosticsOpen ? 2 : 1), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if diagnosticsOpen && fds[1].revents != 0 {
                diagnosticsOpen = logDiagnostics()
            }
            guard fds[0].revents != 0 else { continue }
            var pid: Int32 = -1
            var truncated: Int32 = 0
            let count = buffer.withUnsafeMutableBytes { raw in
                wj_recv_with_credentials(control, raw.baseAddress, raw.count, &pid, &truncated)
            }
            if count <= 0 { break loop }
            if truncated != 0 {
                logger.error("the zygote sent a message that does not fit; stopping it", metadata: ["zygote.pid": "\(process.pid)"])
                break loop
            }
            handle(Array(buffer[0..<count]), credentialsPID: pid)
        }
        condition.lock()
        isAlive = false
        controlClosed = true
        Descriptors.close(diagnostics)
        Descriptors.close(control)
        condition.broadcast()
        condition.unlock()
    }

    private func handle(_ bytes: [UInt8], credentialsPID: Int32) {
        guard let message = ZygoteMessage(bytes) else {
            logger.error("the zygote sent a malformed message", metadata: ["zygote.pid": "\(process.pid)"])
            return
        }
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        switch message {
        case .ready:
            ready = true
        case .forked(let request, let zygotePID):
            guard pending.contains(request) else {
                logger.warning("the zygote answered a fork nobody waits for", metadata: ["request": "\(request)"])
                return
            }
            // The kernel translated the pid the zygote named; a stale exit of an earlier worker
            // with the same namespace pid must not be taken for this one's.
            exits.removeValue(forKey: zygotePID)
            forks += 1
            if credentialsPID > 0 {
                workers.insert(zygotePID)
                replies[request] = .forked(zygotePID: zygotePID, hostPID: credentialsPID)
            } else {
                replies[request] = .failed("no credentials")
            }
        case .failed(let request, let reason):
            if pending.contains(request) {
                replies[request] = .failed(reason)
            } else {
                logger.error("the zygote refused a command", metadata: ["error": "\(reason)"])
            }
        case .exited(let zygotePID, let exit):
            // Workers of forks that timed out, and pids never forked, are not kept.
            if workers.contains(zygotePID) { exits[zygotePID] = exit }
        }
    }

    /// Logs what the zygote wrote to its stderr; false at end of stream.
    private func logDiagnostics() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { read(diagnostics, $0.baseAddress, $0.count) }
        if count <= 0 { return count < 0 && (errno == EINTR || errno == EAGAIN) }
        let text = String(decoding: chunk[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.isEmpty { logger.warning("zygote: \(text)", metadata: ["zygote.pid": "\(process.pid)"]) }
        return true
    }
}
