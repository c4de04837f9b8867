import WardenJail
import WardenRuntime
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The blocking part of one execution, on a worker thread: identity, cgroup, descriptors,
/// spawn, observe, and clean-up of every resource whatever happens.
struct WorkerLaunch {
    /// The harness contract: fd 0 stdin, 1 stdout, 2 stderr, 3 report, 4 job, 5 stage-2 seccomp.
    static let stage2Descriptor: Int32 = 5

    let id: String
    let request: ExecutionRequest
    let limits: ExecutionLimits
    let jobBytes: [UInt8]
    let supervisor: Supervisor

    struct Outcome {
        var run: ObservedRun
        var observation: ProcessObservation
    }

    func run() throws -> Outcome {
        let configuration = supervisor.configuration
        let confinement = supervisor.confinement
        let memoryBytes = (limits.memoryMB + configuration.interpreterOverheadMB) << 20

        // Identity: a uid of its own (root), the daemon's own in a user namespace, or none.
        var identity: (uid: UInt32, gid: UInt32)?
        var maps: (uid: String, gid: String)?
        var owner: (uid: UInt32, gid: UInt32) = (getuid(), getgid())
        switch confinement.mode {
        case .privileged:
            guard let uid = confinement.identities?.acquire() else {
                throw JailError(step: "allocate a sandbox uid (the range is exhausted)", errno: EAGAIN)
            }
            identity = (uid, uid)
            owner = (uid, uid)
        case .userNamespace(let uid, let gid):
            maps = ("\(uid) \(uid) 1\n", "\(gid) \(gid) 1\n")
            owner = (uid, gid)
        case .unconfined:
            break
        }
        defer { if let identity { confinement.identities?.release(identity.uid) } }

        let cgroup = try confinement.cgroups?.create(
            name: id, memoryLimitBytes: memoryBytes, pidsLimit: limits.maxProcesses
        )
        defer {
            do {
                try cgroup?.remove()
            } catch {
                supervisor.logger.error(
                    "could not remove the execution cgroup",
                    metadata: ["execution.id": "\(id)", "error": "\(error)"]
                )
            }
        }

        // Unconfined mode works in a host directory; confined workers get a tmpfs at /work.
        var hostWorkDirectory: WorkDirectory?
        if !confinement.isConfined {
            hostWorkDirectory = try WorkDirectory.create(root: supervisor.workRoot, id: id)
        }
        defer { hostWorkDirectory?.remove() }

        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        defer { for fd in parentEnds + childEnds { Descriptors.close(fd) } }
        let stdinFD = try Descriptors.sealedMemfd(name: "warden-stdin", bytes: Array(request.stdin.utf8))
        childEnds.append(stdinFD)
        let jobFD = try Descriptors.sealedMemfd(name: "warden-job", bytes: jobBytes)
        childEnds.append(jobFD)
        let stage2FD = try Descriptors.sealedMemfd(name: "warden-seccomp", bytes: confinement.stage2.bytes)
        childEnds.append(stage2FD)
        let stdout = try Descriptors.pipe()
        parentEnds.append(stdout.read)
        childEnds.append(stdout.write)
        let stderr = try Descriptors.pipe()
        parentEnds.append(stderr.read)
        childEnds.append(stderr.write)
        let report = try Descriptors.pipe()
        parentEnds.append(report.read)
        childEnds.append(report.write)

        let python = configuration.pythonPath
        let harness = confinement.isConfined ? WorkerRootfs.harnessDirectory + "/" + supervisor.harnessFileName : supervisor.hostHarnessPath
        let workDirectory = hostWorkDirectory?.path ?? WorkerRootfs.workDirectory
        var spec = SpawnSpec(
            executable: python,
            arguments: [python, "-I", "-S", "-B", "-X", "utf8", harness],
            environment: [
                "PATH=/usr/bin:/bin", "HOME=\(workDirectory)", "TMPDIR=\(workDirectory)", "LANG=C.UTF-8",
                "LC_ALL=C.UTF-8",
            ],
            workingDirectory: workDirectory,
            descriptors: [stdinFD, stdout.write, stderr.write, report.write, jobFD, stage2FD],
            limits: rlimits(addressSpace: memoryBytes),
            namespaces: confinement.namespaces,
            userNamespaceMaps: maps,
            cgroup: cgroup?.attachment,
            hostname: confinement.isConfined ? "warden" : nil,
            identity: identity,
            dropCapabilities: confinement.isConfined,
            seccompFilter: confinement.stage1.bytes
        )
        if confinement.isConfined {
            spec.filesystem = WorkerRootfs.plan(
                newRoot: confinement.rootfsDirectory, harnessSource: confinement.harnessDirectory,
                workBytes: configuration.workDirectoryBytes, owner: owner
            )
        }

        let start = Monotonic.seconds()
        let child = try Spawner.spawn(spec)
        defer { child.close() }
        // Only the child holds the write ends now, so EOF means the worker closed them.
        for fd in childEnds { Descriptors.close(fd) }
        childEnds.removeAll()

        let observer = WorkerObserver(
            child: child, stdoutFD: stdout.read, stderrFD: stderr.read, reportFD: report.read,
            timeoutSeconds: limits.timeoutSeconds, maxOutputBytes: limits.maxOutputBytes,
            maxReportBytes: HarnessReportDecoder.maxReportBytes,
            shouldAbandon: { supervisor.isAbandoning }
        )
        let observed = try observer.run(startedAt: start)
        // The worker is gone; whatever it left in its cgroup goes now (its PID namespace
        // already took its descendants with it).
        try? cgroup?.killAll()
        if observed.abandoned {
            throw JailError(step: "finish the execution before the daemon stopped (stop grace time over)", errno: ECANCELED)
        }

        var observation = ProcessObservation(
            wallTimeoutHit: observed.wallTimeoutHit,
            wallSeconds: observed.wallSeconds,
            cpuSeconds: observed.exit.userSeconds + observed.exit.systemSeconds,
            peakMemoryBytes: max(observed.exit.maxResidentBytes, cgroup?.peakMemoryBytes() ?? 0),
            oomKilled: cgroup?.oomKilled() ?? false,
            stdoutBytes: observed.stdout.totalBytes,
            stderrBytes: observed.stderr.totalBytes
        )
        switch observed.exit.reason {
        case .exited(let status): observation.exitStatus = Int(status)
        case .signaled(let signal): observation.signal = signal
        }
        return Outcome(run: observed, observation: observation)
    }

    private func rlimits(addressSpace: Int) -> [ResourceLimit] {
        [
            .addressSpace(bytes: UInt64(addressSpace)),
            .cpu(seconds: UInt64(limits.cpuSeconds.rounded(.up))),
            .processes(UInt64(limits.maxProcesses)),
            .fileSize(bytes: UInt64(limits.maxFileBytes)),
            .openFiles(UInt64(limits.maxOpenFiles)),
            .noCoreDumps,
        ]
    }
}
