import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// What one worker holds apart from its process — an execution uid (root), a cgroup with the
/// default caps, its pipes, and in unconfined mode a host work directory — acquired together
/// and released together unless handed over to a `PreparedWorker`.
struct WorkerResources {
    let uid: UInt32?
    let cgroup: ExecutionCgroup?
    let hostWorkDirectory: WorkDirectory?
    /// stdout, stderr and report write ends and the job's read end: the worker's fds 1-4.
    let childEnds: [Int32]
    /// stdout, stderr and report read ends and the job's write end.
    private let parentEnds: [Int32]
    private let releaseUID: @Sendable (UInt32) -> Void
    private var handedOver = false
    private var childEndsClosed = false

    static func acquire(for supervisor: Supervisor, hostWorkDirectory: Bool) throws -> WorkerResources {
        let configuration = supervisor.configuration
        let confinement = supervisor.confinement
        let defaults = configuration.limitPolicy.defaults
        let identities = confinement.identities
        let releaseUID: @Sendable (UInt32) -> Void = { identities?.release($0) }
        var generator = SystemRandomNumberGenerator()
        let name = "w-" + String(generator.next() & 0xffff_ffff_ffff, radix: 36)

        var uid: UInt32?
        if confinement.mode == .privileged {
            guard let acquired = identities?.acquire() else {
                throw JailError(step: "allocate a sandbox uid (the range is exhausted)", errno: EAGAIN)
            }
            uid = acquired
        }
        var cgroup: ExecutionCgroup?
        var directory: WorkDirectory?
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        do {
            cgroup = try confinement.cgroups?.create(
                name: name, memoryLimitBytes: (defaults.memoryMB + configuration.interpreterOverheadMB) << 20,
                pidsLimit: defaults.maxProcesses
            )
            if hostWorkDirectory { directory = try WorkDirectory.create(root: supervisor.workRoot, id: name) }
            // stdout, stderr, report: the worker writes; the job: the worker reads.
            for _ in 0..<3 {
                let pipe = try Descriptors.pipe()
                parentEnds.append(pipe.read)
                childEnds.append(pipe.write)
            }
            let job = try Descriptors.pipe()
            parentEnds.append(job.write)
            childEnds.append(job.read)
        } catch {
            for fd in parentEnds + childEnds { Descriptors.close(fd) }
            directory?.remove()
            try? cgroup?.remove()
            if let uid { releaseUID(uid) }
            throw error
        }
        return WorkerResources(
            uid: uid, cgroup: cgroup, hostWorkDirectory: directory, childEnds: childEnds, parentEnds: parentEnds,
            releaseUID: releaseUID
        )
    }

    /// The worker exists: it keeps everything; the child ends close here (it has its copies).
    mutating func handOver(to child: any SupervisedProcess) -> PreparedWorker {
        handedOver = true
        closeChildEnds()
        return PreparedWorker(
            child: child, stdoutFD: parentEnds[0], stderrFD: parentEnds[1], reportFD: parentEnds[2],
            jobFD: parentEnds[3], cgroup: cgroup, uid: uid, hostWorkDirectory: hostWorkDirectory,
            releaseUID: releaseUID
        )
    }

    /// Releases everything when no worker took it (call in a `defer`).
    mutating func releaseUnlessHandedOver() {
        closeChildEnds()
        guard !handedOver else { return }
        handedOver = true
        for fd in parentEnds { Descriptors.close(fd) }
        hostWorkDirectory?.remove()
        try? cgroup?.remove()
        if let uid { releaseUID(uid) }
    }

    private mutating func closeChildEnds() {
        guard !childEndsClosed else { return }
        childEndsClosed = true
        for fd in childEnds { Descriptors.close(fd) }
    }
}
