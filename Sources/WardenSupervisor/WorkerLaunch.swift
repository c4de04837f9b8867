import WardenJail
import WardenProtocol
import WardenRuntime

#if canImport(Glibc)
import Glibc
#endif

/// The blocking part of one execution, on a worker thread: take (or spawn) a worker, give it
/// the request's limits, hand it the job, observe it, and release everything it held.
struct WorkerLaunch {
    /// The harness contract: fd 0 stdin, 1 stdout, 2 stderr, 3 report, 4 job, 5 stage-2 seccomp.
    static let stage2Descriptor: Int32 = 5

    let id: String
    let limits: ExecutionLimits
    let jobBytes: [UInt8]
    let supervisor: Supervisor
    /// The kernel layers of the execution's grants; a non-standard profile spawns cold.
    var profile: ConfinementProfile = .standard
    /// Streaming and cancellation (`ExecutionEvents`); nil for neither.
    var events: ExecutionEvents? = nil

    struct Outcome {
        var run: ObservedRun
        var observation: ProcessObservation
        var warm: Bool
    }

    func run() throws -> Outcome {
        let configuration = supervisor.configuration
        // Grants that change the kernel layers get a fresh spawn: pooled and zygote workers
        // all have the baseline profile.
        let pooled = profile.isStandard ? supervisor.warmPool.take() : nil
        let factory = WorkerFactory(supervisor: supervisor)
        let worker = try pooled ?? supervisor.startWorker {
            try profile.isStandard ? factory.make(warm: false) : factory.spawn(warm: false, profile: profile)
        }
        if profile.isStandard { supervisor.metrics.workerTaken(fromPool: pooled != nil) }
        defer { supervisor.warmPool.retire(worker, executionID: id) }
        if let problem = worker.runInForeground() {
            supervisor.logger.warning("\(problem)", metadata: ["execution.id": "\(id)"])
        }

        // The request's own caps, set before the job arrives (the code starts on arrival); the
        // harness lowers its rlimits to the request's from the job before running anything.
        // (The cgroup was made with the defaults' caps: most requests keep them.)
        let defaults = configuration.limitPolicy.defaults
        if limits.memoryMB != defaults.memoryMB || limits.maxProcesses != defaults.maxProcesses {
            try worker.cgroup?.setLimits(
                memoryLimitBytes: (limits.memoryMB + configuration.interpreterOverheadMB) << 20,
                pidsLimit: limits.maxProcesses
            )
        }
        let start = Monotonic.seconds()
        try worker.deliver(job: jobBytes)
        var observer = WorkerObserver(
            child: worker.child, stdoutFD: worker.stdoutFD, stderrFD: worker.stderrFD, reportFD: worker.reportFD,
            timeoutSeconds: limits.timeoutSeconds, maxOutputBytes: limits.maxOutputBytes,
            maxReportBytes: HarnessReportDecoder.maxReportBytes,
            shouldAbandon: { supervisor.isAbandoning }
        )
        let pump = events.flatMap { $0.isStreaming ? $0 : nil }.map {
            EventPump(
                events: $0, stdoutFD: worker.stdoutFD, stderrFD: worker.stderrFD, reportFD: worker.reportFD,
                maxOutputBytes: limits.maxOutputBytes
            )
        }
        if let events {
            observer.shouldCancel = { events.cancellation.isCancelled }
            observer.pollRoundSeconds = 0.25
        }
        if let pump { observer.onChunk = { pump.chunk(fd: $0, bytes: $1) } }
        let observed = try observer.run(startedAt: start)
        pump?.finish()
        // The worker is gone and its PID namespace took every descendant with it; its cgroup is
        // emptied and removed when it is released, off the answer's path (`PreparedWorker.finish`:
        // the removal kills any member first).
        if observed.cancelled {
            throw JailError(step: "finish the execution: cancelled because the client disconnected", errno: ECANCELED)
        }
        if observed.abandoned {
            throw JailError(step: "finish the execution before the daemon stopped (stop grace time over)", errno: ECANCELED)
        }

        var observation = ProcessObservation(
            wallTimeoutHit: observed.wallTimeoutHit,
            wallSeconds: observed.wallSeconds,
            cpuSeconds: observed.exit.userSeconds + observed.exit.systemSeconds,
            peakMemoryBytes: max(observed.exit.maxResidentBytes, worker.cgroup?.peakMemoryBytes() ?? 0),
            oomKilled: worker.cgroup?.oomKilled() ?? false,
            stdoutBytes: observed.stdout.totalBytes,
            stderrBytes: observed.stderr.totalBytes
        )
        switch observed.exit.reason {
        case .exited(let status): observation.exitStatus = Int(status)
        case .signaled(let signal):
            observation.signal = signal
            if signal == SIGSYS {
                observation.seccompSyscall = SeccompAudit.killedSyscall(pid: worker.child.pid, uid: worker.uid)
            }
        }
        return Outcome(run: observed, observation: observation, warm: pooled != nil)
    }
}
