import Foundation
import WardenJail
import WardenProtocol
import WardenRuntime

#if canImport(Glibc)
import Glibc
#endif

/// Spawns confined workers that wait for their job: identity, cgroup, descriptors, rootfs,
/// namespaces, capabilities, seccomp stage 1. The request's own limits are applied when the
/// job is handed over (`WorkerLaunch`).
struct WorkerFactory: Sendable {
    let supervisor: Supervisor

    /// - Parameter warm: the worker imports what reporting may need before it blocks on the
    ///   job (pool workers); a worker used at once skips that.
    func spawn(warm: Bool) throws -> PreparedWorker {
        let configuration = supervisor.configuration
        let confinement = supervisor.confinement
        let defaults = configuration.limitPolicy.defaults
        let memoryBytes = (defaults.memoryMB + configuration.interpreterOverheadMB) << 20
        var generator = SystemRandomNumberGenerator()
        let name = "w-" + String(generator.next() & 0xffff_ffff_ffff, radix: 36)

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
        let identities = confinement.identities
        let releaseUID: @Sendable (UInt32) -> Void = { identities?.release($0) }
        var handedOver = false
        defer { if !handedOver, let identity { releaseUID(identity.uid) } }

        let cgroup = try confinement.cgroups?.create(
            name: name, memoryLimitBytes: memoryBytes, pidsLimit: defaults.maxProcesses
        )
        defer { if !handedOver { try? cgroup?.remove() } }

        // Unconfined mode works in a host directory; confined workers get a tmpfs at /work.
        var hostWorkDirectory: WorkDirectory?
        if !confinement.isConfined {
            hostWorkDirectory = try WorkDirectory.create(root: supervisor.workRoot, id: name)
        }
        defer { if !handedOver { hostWorkDirectory?.remove() } }

        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        defer {
            for fd in childEnds { Descriptors.close(fd) }
            if !handedOver { for fd in parentEnds { Descriptors.close(fd) } }
        }
        let devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if devnull < 0 { throw JailError(step: "open /dev/null", errno: errno) }
        childEnds.append(devnull)
        let stage2FD = try Descriptors.sealedMemfd(name: "warden-seccomp", bytes: confinement.stage2.bytes)
        childEnds.append(stage2FD)
        let job = try Descriptors.pipe()
        parentEnds.append(job.write)
        childEnds.append(job.read)
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
        let harness =
            confinement.isConfined
            ? WorkerRootfs.harnessDirectory + "/" + supervisor.harnessFileName : supervisor.hostHarnessPath
        let workDirectory = hostWorkDirectory?.path ?? WorkerRootfs.workDirectory
        var spec = SpawnSpec(
            executable: python,
            arguments: [python, "-I", "-S", "-B", "-X", "utf8", harness] + (warm ? ["--warm"] : []),
            environment: [
                "PATH=/usr/bin:/bin", "HOME=\(workDirectory)", "TMPDIR=\(workDirectory)", "LANG=C.UTF-8",
                "LC_ALL=C.UTF-8",
            ],
            workingDirectory: workDirectory,
            // The harness contract: 0 stdin, 1 stdout, 2 stderr, 3 report, 4 job, 5 stage-2 seccomp.
            descriptors: [devnull, stdout.write, stderr.write, report.write, job.read, stage2FD],
            // The server's maxima as hard limits; the harness lowers them to the request's.
            limits: WorkerLimits.rlimits(
                for: configuration.limitPolicy.maxima, interpreterOverheadMB: configuration.interpreterOverheadMB
            ),
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
        let child = try Spawner.spawn(spec)
        handedOver = true
        return PreparedWorker(
            child: child, stdoutFD: stdout.read, stderrFD: stderr.read, reportFD: report.read, jobFD: job.write,
            cgroup: cgroup, uid: identity?.uid, hostWorkDirectory: hostWorkDirectory, releaseUID: releaseUID
        )
    }
}

/// The rlimits of an execution.
enum WorkerLimits {
    /// The limits a worker is spawned with.
    static func rlimits(for limits: ExecutionLimits, interpreterOverheadMB: Int) -> [ResourceLimit] {
        [
            .addressSpace(bytes: UInt64(limits.memoryMB + interpreterOverheadMB) << 20),
            .cpu(seconds: UInt64(limits.cpuSeconds.rounded(.up))),
            .processes(UInt64(limits.maxProcesses)),
            .fileSize(bytes: UInt64(limits.maxFileBytes)),
            .openFiles(UInt64(limits.maxOpenFiles)),
            .noCoreDumps,
        ]
    }

    /// The request's limits as the harness applies them to itself (`HarnessJob.rlimits`).
    static func jobLimits(for limits: ExecutionLimits, interpreterOverheadMB: Int) -> [String: Int] {
        [
            "address_space": (limits.memoryMB + interpreterOverheadMB) << 20,
            "cpu_seconds": Int(limits.cpuSeconds.rounded(.up)),
            "processes": limits.maxProcesses,
            "file_size": limits.maxFileBytes,
            "open_files": limits.maxOpenFiles,
        ]
    }
}
