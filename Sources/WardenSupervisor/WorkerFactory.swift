import Foundation
import WardenJail
import WardenProtocol
import WardenRuntime

#if canImport(Glibc)
import Glibc
#endif

/// Makes confined workers that wait for their job — forked by a zygote, or spawned cold —
/// with an identity, a cgroup and pipes of their own. The request's own limits are applied
/// when the job is handed over (`WorkerLaunch`).
struct WorkerFactory: Sendable {
    let supervisor: Supervisor

    /// A worker for the next execution: forked by a zygote when one is live, else spawned cold.
    ///
    /// - Parameter warm: a cold worker imports what reporting may need before it blocks on
    ///   the job (pool workers); a worker used at once skips that. Zygote workers have it all.
    func make(warm: Bool) throws -> PreparedWorker {
        if let zygote = supervisor.zygotes?.zygote() {
            do {
                return try fork(from: zygote, background: warm)
            } catch {
                supervisor.logger.error("a zygote could not fork a worker; spawning one cold", metadata: ["error": "\(error)"])
            }
        }
        return try spawn(warm: warm)
    }

    /// Spawns a fresh interpreter with every layer of its own (the cold path).
    ///
    /// - Parameter profile: the kernel layers the execution's grants add (mounts, network,
    ///   execve); only `.standard` workers may be pooled or forked by a zygote.
    func spawn(warm: Bool, profile: ConfinementProfile = .standard) throws -> PreparedWorker {
        let configuration = supervisor.configuration
        let confinement = supervisor.confinement
        var resources = try WorkerResources.acquire(for: supervisor, hostWorkDirectory: !confinement.isConfined)
        defer { resources.releaseUnlessHandedOver() }

        // Identity: a uid of its own (root), the daemon's own in a user namespace, or none.
        var maps: (uid: String, gid: String)?
        var owner: (uid: UInt32, gid: UInt32) = (getuid(), getgid())
        switch confinement.mode {
        case .privileged:
            owner = (resources.uid!, resources.uid!)
        case .userNamespace(let uid, let gid):
            maps = ("\(uid) \(uid) 1\n", "\(gid) \(gid) 1\n")
            owner = (uid, gid)
        case .unconfined:
            break
        }
        let devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if devnull < 0 { throw JailError(step: "open /dev/null", errno: errno) }
        defer { Descriptors.close(devnull) }
        let stage2FD = try Descriptors.sealedMemfd(name: "warden-seccomp", bytes: try profile.stage2(confinement).bytes)
        defer { Descriptors.close(stage2FD) }

        let python = configuration.pythonPath
        let harness =
            confinement.isConfined
            ? WorkerRootfs.harnessDirectory + "/" + supervisor.harnessFileName : supervisor.hostHarnessPath
        let workDirectory = resources.hostWorkDirectory?.path ?? WorkerRootfs.workDirectory
        var spec = SpawnSpec(
            executable: python,
            arguments: [python, "-I", "-S", "-B", "-X", "utf8", harness] + (warm ? ["--warm"] : []),
            environment: Self.environment(workDirectory: workDirectory),
            workingDirectory: workDirectory,
            // The harness contract: 0 stdin, 1 stdout, 2 stderr, 3 report, 4 job, 5 stage-2 seccomp.
            descriptors: [devnull] + resources.childEnds + [stage2FD],
            // The server's maxima as hard limits; the harness lowers them to the request's.
            limits: WorkerLimits.rlimits(
                for: configuration.limitPolicy.maxima, interpreterOverheadMB: configuration.interpreterOverheadMB
            ),
            namespaces: profile.namespaces(base: confinement.namespaces),
            userNamespaceMaps: maps,
            cgroup: resources.cgroup?.attachment,
            hostname: confinement.isConfined ? "warden" : nil,
            identity: resources.uid.map { ($0, $0) },
            dropCapabilities: confinement.isConfined,
            seccompFilter: try profile.stage1(confinement).bytes
        )
        spec.landlock = profile.landlock(confinement)
        if confinement.isConfined {
            spec.filesystem = WorkerRootfs.plan(
                newRoot: confinement.rootfsDirectory, harnessSource: confinement.harnessDirectory,
                workBytes: configuration.workDirectoryBytes, owner: owner,
                extraReadOnly: profile.readOnlyPaths, extraReadWrite: profile.readWritePaths
            )
        }
        if let operations = spec.filesystem?.operations.count, operations > Spawner.maxMountOperations {
            throw JailError(step: "plan the worker's filesystem (\(operations) mount operations, at most \(Spawner.maxMountOperations))", errno: E2BIG)
        }
        let child = try Spawner.spawn(spec)
        let worker = resources.handOver(to: child)
        if confinement.isConfined { worker.holdMountNamespace() }
        return worker
    }

    /// Has `zygote` fork a worker, then moves it into its execution cgroup. The worker confines
    /// itself (namespaces, /proc, /work, capabilities, uid, stage 1) before it reads its job.
    ///
    /// - Parameter background: a worker for the warm pool: it confines and rehearses at nice 19,
    ///   on CPU time executions leave, until a request takes it
    ///   (`PreparedWorker.runInForeground`). It rehearses an execution (harness.py,
    ///   `_rehearse`: ~0.8 ms of CPU that takes ~0.4 ms off its request's path) only while at
    ///   most one execution is in flight: under load the CPU is worth more than the latency.
    ///   A worker forked for a waiting request never rehearses.
    func fork(from zygote: Zygote, background: Bool = false) throws -> PreparedWorker {
        let confinement = supervisor.confinement
        var resources = try WorkerResources.acquire(for: supervisor, hostWorkDirectory: false)
        defer { resources.releaseUnlessHandedOver() }
        let id = confinement.zygoteNamespaceID(hostUID: resources.uid)
        let maxima = supervisor.configuration.limitPolicy.maxima
        let load = supervisor.admission.load
        let child = try zygote.fork(
            descriptors: resources.childEnds, uid: id, gid: id, workBytes: supervisor.configuration.workDirectoryBytes,
            cpuSeconds: Int(maxima.cpuSeconds.rounded(.up)), processes: maxima.maxProcesses, background: background,
            rehearse: background && load.running + load.queued <= 1
        )
        do {
            try resources.cgroup?.addProcess(child.pid)
        } catch {
            child.signal(SIGKILL)
            _ = try? child.reap()
            child.close()
            throw error
        }
        let worker = resources.handOver(to: child)
        worker.holdMountNamespace()
        worker.isBackground = background
        return worker
    }

    /// Starts a zygote of the baseline profile (see `Zygote`).
    func startZygote() throws -> Zygote {
        let configuration = supervisor.configuration
        let confinement = supervisor.confinement
        // Root only (`Supervisor.init`): each worker needs a uid apart from the zygote's.
        guard let maps = confinement.zygoteMaps else {
            throw JailError(step: "start a zygote (the daemon is not root, or workers are not confined)", errno: EPERM)
        }
        // As a sandbox uid, the zygote must reach its root's directory and the harness.
        let directories = try ZygoteRoot.directories(for: confinement, harnessFileName: supervisor.harnessFileName)
        let limits = configuration.limitPolicy.maxima
        var generator = SystemRandomNumberGenerator()
        let name = "z-" + String(generator.next() & 0xffff_ffff_ffff, radix: 36)
        // Its own memory (the interpreter and preloads) and, briefly, workers not yet moved.
        let cgroup = try confinement.cgroups?.create(
            name: name, memoryLimitBytes: (limits.memoryMB + 2 * configuration.interpreterOverheadMB) << 20,
            pidsLimit: 256
        )
        var started = false
        defer { if !started { try? cgroup?.remove() } }

        var fds = OwnedDescriptors()
        defer { fds.closeAll() }
        let devnull = try fds.track(open("/dev/null", O_RDWR | O_CLOEXEC), step: "open /dev/null")
        let stage2FD = try fds.track(Descriptors.sealedMemfd(name: "warden-seccomp-2", bytes: confinement.stage2.bytes))
        // What each worker stacks on the zygote's filter to have all of stage 1.
        let stage1FD = try fds.track(
            Descriptors.sealedMemfd(name: "warden-seccomp-1", bytes: confinement.zygoteWorkerFilter.bytes)
        )
        let control = try Descriptors.seqpacketPair()
        fds.adopt(control.child)
        // The parent ends are ours until `Zygote.start` takes them (whatever it then does).
        var parentEnds = OwnedDescriptors()
        var parentEndsTaken = false
        defer { if !parentEndsTaken { parentEnds.closeAll() } }
        parentEnds.adopt(control.parent)
        let diagnostics = try Descriptors.pipe()
        fds.adopt(diagnostics.write)
        parentEnds.adopt(diagnostics.read)

        let python = configuration.pythonPath
        let harness = WorkerRootfs.harnessDirectory + "/" + supervisor.harnessFileName
        var arguments = [python, "-I", "-S", "-B", "-X", "utf8", harness, "--zygote"]
        if !configuration.preloadModules.isEmpty {
            arguments += ["--preload", configuration.preloadModules.joined(separator: ",")]
        }
        // Each worker enters a Landlock domain of its own; with abstract sockets scoped, the
        // workers share the zygote's (empty) network namespace instead of making one each.
        if let landlock = confinement.landlock {
            arguments += ["--landlock", "\(landlock.scoped),\(landlock.handledNetwork)"]
        }
        if configuration.networkNamespacePerExecution { arguments.append("--netns-per-execution") }
        var spec = SpawnSpec(
            executable: python,
            arguments: arguments,
            environment: Self.environment(workDirectory: WorkerRootfs.workDirectory),
            workingDirectory: "/",
            // 0, 1 /dev/null, 2 diagnostics, 3, 4 /dev/null (kept busy), 5 stage 2, 6 control, 7 stage 1.
            descriptors: [devnull, devnull, diagnostics.write, devnull, devnull, stage2FD, control.child, stage1FD],
            // No CPU limit (it lives long) and no process limit (it forks for every execution): each
            // worker sets the server's maxima as its own hard limits (`fork`), then the request's.
            limits: [
                .addressSpace(bytes: UInt64(limits.memoryMB + configuration.interpreterOverheadMB) << 20),
                .fileSize(bytes: UInt64(limits.maxFileBytes)),
                .openFiles(UInt64(max(limits.maxOpenFiles, 256))),
                .noCoreDumps,
            ],
            namespaces: confinement.namespaces.union(.user),
            userNamespaceMaps: maps,
            cgroup: cgroup?.attachment,
            hostname: "warden",
            identity: (0, 0),
            dropCapabilities: false,
            seccompFilter: confinement.zygoteFilter.bytes
        )
        spec.allowSetgroups = true
        spec.filesystem = WorkerRootfs.plan(
            newRoot: directories.0, harnessSource: directories.1, workBytes: configuration.workDirectoryBytes,
            owner: (0, 0), workTmpfs: false
        )
        parentEndsTaken = true
        let zygote = try Zygote.start(
            spec: spec, control: control, diagnostics: diagnostics, cgroup: cgroup, readyTimeout: 30,
            logger: supervisor.logger
        )
        started = true
        supervisor.logger.info(
            "zygote ready", metadata: ["zygote.pid": "\(zygote.process.pid)", "preload": "\(configuration.preloadModules.count)"]
        )
        return zygote
    }

    static func environment(workDirectory: String) -> [String] {
        ["PATH=/usr/bin:/bin", "HOME=\(workDirectory)", "TMPDIR=\(workDirectory)", "LANG=C.UTF-8", "LC_ALL=C.UTF-8"]
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
