import CWardenJail
import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// A worker made for one execution that waits for its job on a pipe (fd 4): spawned with
/// every kernel layer applied, or forked by a zygote and confining itself (it applies its
/// per-execution layers before it reads the job). It serves exactly one execution; then
/// `finish()` releases everything it holds.
///
/// @unchecked Sendable: the object is owned by one thread at a time — the spawner until it is
/// handed to the warm pool (under the pool's mutex), then the one execution that takes it.
final class PreparedWorker: @unchecked Sendable {
    let child: any SupervisedProcess
    let stdoutFD: Int32
    let stderrFD: Int32
    let reportFD: Int32
    /// Write end of the job pipe; closed once the job is written.
    private(set) var jobFD: Int32
    let cgroup: ExecutionCgroup?
    let uid: UInt32?
    let hostWorkDirectory: WorkDirectory?
    /// Holds the worker's mount namespace past its exit (-1: none). The last reference to a
    /// mount namespace tears its mounts down and waits for an RCU grace period (~1 ms); held
    /// here, that happens in `finish()`, off the answer's path, instead of inside the worker's
    /// exit, which the answer waits for.
    private var mountNamespaceFD: Int32 = -1
    private let releaseUID: @Sendable (UInt32) -> Void
    private var finished = false
    /// Made for the pool at nice 19 (see `WorkerFactory.fork(from:background:)`).
    var isBackground = false

    init(
        child: any SupervisedProcess, stdoutFD: Int32, stderrFD: Int32, reportFD: Int32, jobFD: Int32,
        cgroup: ExecutionCgroup?, uid: UInt32?, hostWorkDirectory: WorkDirectory?,
        releaseUID: @escaping @Sendable (UInt32) -> Void
    ) {
        self.child = child
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
        self.reportFD = reportFD
        self.jobFD = jobFD
        self.cgroup = cgroup
        self.uid = uid
        self.hostWorkDirectory = hostWorkDirectory
        self.releaseUID = releaseUID
    }

    /// Takes a reference to the worker's mount namespace (see `mountNamespaceFD`). A worker
    /// already gone has none to take; other failures only leave the teardown in its exit.
    func holdMountNamespace() {
        let fd = wj_pidfd_mount_namespace(child.pidfd, child.pid)
        if fd >= 0 { mountNamespaceFD = fd }
    }

    /// True while the worker is still waiting (it has not died on its own).
    func isAlive() -> Bool {
        !child.hasEnded()
    }

    /// Gives a background worker the normal priority before its job: its execution competes
    /// for the CPU like any other. (The worker cannot do it itself: lowering a nice value
    /// needs a privilege or an `RLIMIT_NICE` it does not have.) The pool checked through the
    /// pidfd that the worker is alive just before; were it to die in between and its pid be
    /// reused at once, the call would give another process nice 0.
    ///
    /// - Returns: what went wrong, for the caller to log with its execution id: the call failed
    ///   (the execution then runs at nice 19).
    func runInForeground() -> JailError? {
        guard isBackground else { return nil }
        isBackground = false
        if setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(child.pid), 0) != 0 {
            return JailError(step: "give the worker the normal priority", errno: errno)
        }
        return nil
    }

    /// Writes the whole job and closes the pipe, which starts the execution.
    func deliver(job: [UInt8]) throws(JailError) {
        var offset = 0
        while offset < job.count {
            let written = job.withUnsafeBytes { write(jobFD, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw JailError(step: "hand the job to the worker", errno: errno)
            }
            offset += written
        }
        Descriptors.close(jobFD)
        jobFD = -1
    }

    /// Ends the worker if it still runs, and releases its descriptors, cgroup, uid and
    /// directory. Errors are returned for the caller to log with its execution id.
    @discardableResult
    func finish() -> JailError? {
        guard !finished else { return nil }
        finished = true
        var problem: JailError?
        let ended: Bool
        do {
            ended = try child.reapIfExited() != nil
        } catch {
            ended = true  // reaped already, or its zygote is gone: no pid to signal safely
        }
        if !ended {
            child.signalGroup(SIGKILL)
            child.signal(SIGKILL)
            _ = try? child.reap()
        }
        for fd in [stdoutFD, stderrFD, reportFD, jobFD] { Descriptors.close(fd) }
        child.close()
        // Unmounts the worker's /work (uncharging its memory) before its cgroup goes.
        Descriptors.close(mountNamespaceFD)
        mountNamespaceFD = -1
        do {
            try cgroup?.remove()
        } catch {
            problem = error
        }
        hostWorkDirectory?.remove()
        if let uid { releaseUID(uid) }
        return problem
    }

    deinit {
        finish()
    }
}
