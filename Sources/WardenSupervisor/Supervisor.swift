import Foundation
import CoreMetrics
import Logging
import NIOPosix
import Synchronization
import WardenDiagnostics
import WardenJail
import WardenPolicy
import WardenProtocol
import WardenRuntime

#if canImport(Glibc)
import Glibc
#endif

/// Runs executions: one fresh confined worker per request, observed until it ends, its facts
/// reconciled with what the kernel saw and turned into the seed-001 result.
public final class Supervisor: Sendable {
    public let configuration: SupervisorConfiguration
    let logger: Logger
    let pool: NIOThreadPool
    let confinement: Confinement
    /// Workers made ahead of their requests (see `WarmPool`) and the zygotes that fork them
    /// (see `Zygote`); set once in `init`.
    private let pools: WorkerPoolsBox
    var warmPool: WarmPool { pools.warm! }
    /// Nil when workers are not confined or no zygote is configured.
    var zygotes: ZygotePool? { pools.zygotes }
    /// The harness on the host (unconfined mode runs it from here): the compiled `.pyc` when
    /// it could be made, else `harness.py`.
    let hostHarnessPath: String
    /// Its file name inside the harness directory (`harness.pyc` or `harness.py`).
    let harnessFileName: String
    let workRoot: String
    /// Set once when the daemon's stop grace time is over; observers kill their workers.
    private let abandoning = Mutex(false)
    /// The history: told of each execution when it is accepted and when it finishes.
    let recorder: (any ExecutionRecorder)?
    /// Bounded concurrency and queue, per-uid fairness (`Supervisor+Admission.swift`).
    public let admission: Admission
    /// Opens when workers fail to start repeatedly.
    public let breaker: CircuitBreaker
    let metrics: SupervisorMetrics

    /// Prepares the state directory (harness, rootfs and work folders), decides the
    /// confinement layers, and starts the worker threads. Throws with the path, step and errno
    /// when the state directory is unusable or the host cannot confine workers.
    ///
    /// - Parameters:
    ///   - recorder: where executions are recorded (the history); nil records nothing.
    ///   - metricsFactory: where the supervisor's metrics go (`SupervisorMetrics`); none by default.
    public init(
        configuration: SupervisorConfiguration, logger: Logger, recorder: (any ExecutionRecorder)? = nil,
        metricsFactory: any MetricsFactory = NOOPMetricsHandler.instance
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.recorder = recorder
        self.admission = Admission(
            maxRunning: max(1, configuration.maxConcurrentExecutions), queueLength: configuration.queueLength,
            maxQueuedPerUID: configuration.maxQueuedPerUID
        )
        self.breaker = CircuitBreaker(
            failureThreshold: configuration.breakerFailureThreshold, openSeconds: configuration.breakerOpenSeconds
        )
        self.metrics = SupervisorMetrics(factory: metricsFactory)
        let harnessDirectory = configuration.stateDirectory + "/harness"
        self.workRoot = configuration.stateDirectory + "/work"
        for (directory, mode) in [(configuration.stateDirectory, 0o711), (harnessDirectory, 0o755), (workRoot, 0o711)] {
            try Self.makeDirectory(directory, mode: mode_t(mode))
        }
        let sourcePath = harnessDirectory + "/harness.py"
        let bytecodePath = harnessDirectory + "/harness.pyc"
        try Self.installHarness(at: sourcePath)
        // A script given as source is compiled on every start (~6 ms); the .pyc is not.
        if HarnessResource.compileBytecode(
            sourcePath: sourcePath, bytecodePath: bytecodePath, python: configuration.pythonPath
        ) {
            _ = chmod(bytecodePath, 0o644)
            self.harnessFileName = "harness.pyc"
        } else {
            logger.warning(
                "could not precompile the harness; workers compile it at every start",
                metadata: ["harness.path": "\(sourcePath)"]
            )
            self.harnessFileName = "harness.py"
        }
        self.hostHarnessPath = harnessDirectory + "/" + harnessFileName
        self.confinement = try Confinement.prepare(
            stateDirectory: configuration.stateDirectory, harnessDirectory: harnessDirectory,
            uidBase: configuration.sandboxUIDBase, uidCount: configuration.sandboxUIDCount,
            allowUnconfined: configuration.allowUnconfined, forceUnconfined: configuration.forceUnconfined,
            logger: logger
        )
        let layers = confinement.layers
        self.sandboxReport = SandboxReport(
            layers: layers.filter(\.active).map(\.name),
            unavailable: Dictionary(uniqueKeysWithValues: layers.filter { !$0.active }.map { ($0.name, $0.detail) })
        )
        self.pool = NIOThreadPool(numberOfThreads: max(1, configuration.maxConcurrentExecutions))
        self.pool.start()
        self.pools = WorkerPoolsBox()
        let factory = WorkerFactory(supervisor: self)
        if confinement.mode != .privileged && configuration.zygotes > 0 {
            // In a user namespace of its own uid only, forked workers could not get a uid apart
            // from the zygote's: they would run as uid 0 there (capabilities cleared). Cold
            // workers run as the daemon's uid; keep that.
            let reason =
                confinement.isConfined
                ? "they need a root daemon (a uid of its own per execution)" : "workers are not confined (WARDEN_ALLOW_UNCONFINED)"
            logger.notice("zygotes are off: \(reason); workers are spawned cold")
        } else if configuration.zygotes > 0 {
            let zygotes = ZygotePool(size: configuration.zygotes, logger: logger) { try factory.startZygote() }
            pools.zygotes = zygotes
            if let problem = zygotes.start() {
                logger.error("no zygote is running; every worker is a cold spawn", metadata: ["reason": "\(problem)"])
            }
        }
        pools.warm = WarmPool(target: configuration.warmWorkers, factory: factory, logger: logger)
        warmPool.refill()
    }

    /// The confinement layers applied to every worker on this host (decided once, at start).
    public var layers: [HealthReport.Layer] { confinement.layers }
    /// The same layers as every result reports them (`sandbox`); made once, not per execution.
    let sandboxReport: SandboxReport

    /// Kills every running worker (within a second) so that each execution ends now with a
    /// retryable `system_error`; used when the daemon's stop grace time is over.
    public func abandonRunningExecutions() {
        abandoning.withLock { $0 = true }
    }

    var isAbandoning: Bool { abandoning.withLock { $0 } }

    /// Stops the worker threads after the running executions finish.
    public func shutdown() async {
        await warmPool.shutdown()
        try? await pool.shutdownGracefully()
        zygotes?.stop()
        confinement.releaseCgroupParents()
    }

    /// Runs one request to completion, without admission control (`run` is the entry that
    /// applies it). Never throws: a failure of the sandbox itself is a `system_error` result
    /// (retryable), logged once with the execution id.
    ///
    /// - Parameters:
    ///   - authorization: the level and capability grants the request's tokens and the
    ///     caller's standing policy allow (nil: the request's level, no grants).
    ///   - profile: the kernel layers of those grants (`ConfinementProfile.make`).
    ///   - events: receives `started` and the output and warnings as they happen, and cancels
    ///     the execution when its client goes (recorded as a cancelled `system_error`).
    public func execute(
        _ request: ExecutionRequest, caller: CallerIdentity, authorization: Authorization? = nil,
        profile: ConfinementProfile = .standard, events: ExecutionEvents? = nil
    ) async -> EncodedResult {
        let level = authorization?.securityLevel ?? request.securityLevel
        let grants = authorization?.grants ?? .none
        var generator = SystemRandomNumberGenerator()
        let now = Date()
        let id = ExecutionID.make(millisecondsSinceEpoch: UInt64(now.timeIntervalSince1970 * 1000), random: &generator)
        let limits = configuration.limitPolicy.effectiveLimits(
            for: request.limits, grants: grants, ungranted: configuration.ungrantedLimits
        )
        let allowedModules = grants.allowedModules(at: level)
        var request = request
        request.securityLevel = level
        // Tokens are bearer credentials: the history and the logs keep only their ids.
        request.capabilities = request.capabilities.indices.map { index in
            index < (authorization?.tokenIDs.count ?? 0) ? "redacted:\(authorization!.tokenIDs[index])" : "redacted"
        }
        let facts = ExecutionFacts(
            executionId: id,
            timestamp: Self.iso8601(now),
            request: request,
            assignedBy: request.client ?? caller.userName ?? "uid:\(caller.uid)",
            limits: limits,
            availableModules: allowedModules ?? [],
            availableCapabilities: grants.capabilities.map(\.description),
            sandbox: sandboxReport
        )
        var logger = self.logger
        logger[metadataKey: "execution.id"] = "\(id)"
        logger.debug("execution accepted", metadata: ["caller.uid": "\(caller.uid)", "code.bytes": "\(request.code.utf8.count)"])
        if let authorization, !authorization.tokenIDs.isEmpty || !grants.capabilities.isEmpty {
            logger.info(
                "capabilities granted",
                metadata: [
                    "token.ids": "\(authorization.tokenIDs.joined(separator: ","))",
                    "capabilities": "\(grants.capabilities.map(\.description).joined(separator: " "))",
                    "worker.cold": "\(!profile.isStandard)",
                ]
            )
        }
        let accepted = AcceptedExecution(
            id: id, acceptedAt: now, request: request, caller: caller, limits: limits, assignedBy: facts.assignedBy
        )
        // The acceptance record is written while the worker starts; the final record waits for it.
        let acceptance = PendingWrite()
        if let recorder {
            let metrics = self.metrics
            let acceptLogger = logger
            recorder.recordAccepted(accepted) { error in
                acceptance.finish(problem: error.map { Self.historyWriteFailed($0, metrics: metrics, logger: acceptLogger) })
            }
        } else {
            acceptance.finish(problem: nil)
        }
        events?.emit(StreamEvent(event: .started, executionId: id))

        let launch = Result { () throws -> WorkerLaunch in
            let job = HarnessJob(
                code: request.code, detail: request.detail, trace: request.trace,
                securityLevel: request.securityLevel, allowedModules: allowedModules,
                maxValueChars: configuration.maxValueChars, files: request.files,
                seccompFD: WorkerLaunch.stage2Descriptor, stdin: request.stdin, stream: events?.isStreaming == true,
                rlimits: WorkerLimits.jobLimits(for: limits, interpreterOverheadMB: configuration.interpreterOverheadMB),
                network: grants.network.isEmpty ? nil : grants.network.map(\.description)
            )
            var launch = WorkerLaunch(id: id, limits: limits, jobBytes: try job.encoded(), supervisor: self)
            launch.profile = profile
            launch.events = events
            return launch
        }
        let ending = ExecutionEnding(facts: facts, accepted: accepted, acceptance: acceptance, events: events, logger: logger)
        do {
            // One hop to a worker thread and back: the run, the result, its history record and
            // its encoding all happen there.
            return try await pool.runIfActive { self.finish(launch, ending) }
        } catch {
            // The worker threads are stopping (the daemon is shutting down): nothing ran. The
            // ending blocks this task briefly (the history write), once per late request.
            return finish(.failure(error), ending)
        }
    }

    /// What `finish` needs of an accepted execution.
    struct ExecutionEnding: Sendable {
        var facts: ExecutionFacts
        let accepted: AcceptedExecution
        let acceptance: PendingWrite
        let events: ExecutionEvents?
        let logger: Logger
    }

    /// On a worker thread: runs the worker (when the launch could be prepared), turns what
    /// was observed into the result, records it in the history and encodes it. Never throws:
    /// a failure of the sandbox itself is a `system_error` result.
    private func finish(_ launch: Result<WorkerLaunch, any Error>, _ ending: ExecutionEnding) -> EncodedResult {
        var facts = ending.facts
        let logger = ending.logger
        do {
            let observed = try launch.get().run()
            facts.stdout = observed.run.stdout.text
            facts.stderr = observed.run.stderr.text
            facts.stdoutTruncated = observed.run.stdout.overflowed
            facts.stderrTruncated = observed.run.stderr.overflowed
            facts.observation = observed.observation
            logger.debug("worker observed", metadata: ["worker.warm": "\(observed.warm)"])
            switch HarnessReportDecoder.decode(LiveRecords.strip(observed.run.report.bytes)) {
            case .success(let report) where !observed.run.report.overflowed:
                facts.report = report
            case .success:
                facts.observation.reportProblem = "report exceeded \(HarnessReportDecoder.maxReportBytes) bytes"
            case .failure(let problem):
                facts.observation.reportProblem = "\(problem)"
            }
            if let problem = facts.observation.reportProblem, observed.run.report.totalBytes > 0 {
                logger.warning("worker report refused", metadata: ["report.problem": "\(problem)"])
            }
        } catch {
            if ending.events?.cancellation.isCancelled == true {
                facts.systemFailure = Self.cancelledMessage
                metrics.cancelled.increment()
                logger.notice("execution cancelled: the client disconnected")
            } else {
                facts.systemFailure = "\(error)"
                logger.error("execution failed in the sandbox", metadata: ["error": "\(error)"])
            }
        }
        let acceptProblem = ending.acceptance.wait()
        var result = Diagnostics.result(for: facts)
        var encoded = EncodedResult(result)
        // The answer goes out only once the history has it (or says why it does not).
        var historyError: String?
        if let recorder {
            do {
                try recorder.recordFinished(ending.accepted, result: encoded)
            } catch {
                let problem = Self.historyWriteFailed(error, metrics: metrics, logger: logger)
                historyError = "the execution ran, but its record could not be written to the history: \(problem)"
            }
        }
        if historyError == nil, let acceptProblem {
            historyError = "the execution was not recorded while it ran (\(acceptProblem)); its final record was written"
        }
        if let historyError {
            result.historyError = historyError
            encoded = EncodedResult(result)
        }
        if case .failure(let problem) = encoded.json {
            logger.error("could not encode the result", metadata: ["error": "\(problem)"])
        }
        metrics.executionFinished(result, securityLevel: ending.accepted.request.securityLevel)
        logger.info(
            "execution finished",
            metadata: [
                "outcome": "\(result.errorCategory?.rawValue ?? "success")",
                "duration.seconds": "\(result.executionResult.executionTime)",
            ]
        )
        return encoded
    }

    /// A history write that failed: counted and logged (with the execution id in `logger`),
    /// never thrown: the execution goes on and its answer says what was lost.
    private static func historyWriteFailed(_ error: any Error, metrics: SupervisorMetrics, logger: Logger) -> String {
        metrics.historyWriteFailures.increment()
        logger.error("could not write the execution to the history", metadata: ["error": "\(error)"])
        return "\(error)"
    }

    private static func makeDirectory(_ path: String, mode: mode_t) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        if mkdir(path, mode) != 0 && errno != EEXIST {
            throw JailError(step: "create the directory \(path)", errno: errno)
        }
        if chmod(path, mode) != 0 { throw JailError(step: "set the mode of \(path)", errno: errno) }
    }

    private static func installHarness(at path: String) throws {
        try install(Data(try HarnessResource.source().utf8), at: path)
    }

    /// Replaces the file at `path` with `data`, mode 0644 (written aside, then renamed, so no
    /// reader ever sees half a file).
    static func install(_ data: Data, at path: String) throws {
        let temporary = path + ".tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        if chmod(temporary, 0o644) != 0 { throw JailError(step: "set the mode of \(temporary)", errno: errno) }
        if rename(temporary, path) != 0 { throw JailError(step: "install \(path)", errno: errno) }
    }

    /// `2026-11-24T14:05:12.988Z`: what `ISO8601DateFormatter` gives with fractional seconds,
    /// without creating one per execution (a formatter costs ~0.3 ms of CPU to make).
    static func iso8601(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let milliseconds = min(999, Int(((interval - Double(seconds)) * 1000).rounded(.down)))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }
}

/// Holds the warm pool and the zygotes, which need the finished supervisor to spawn (set-once
/// cells). @unchecked Sendable: written only in `Supervisor.init`, before the supervisor is shared.
final class WorkerPoolsBox: @unchecked Sendable {
    var warm: WarmPool?
    var zygotes: ZygotePool?
}
