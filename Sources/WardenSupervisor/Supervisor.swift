import Foundation
import Logging
import NIOPosix
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
    private let logger: Logger
    private let pool: NIOThreadPool
    private let harnessPath: String
    private let workRoot: String

    /// Prepares the state directory (runtime and work folders, the harness file) and starts the
    /// worker threads. Throws with the path and errno when the state directory is unusable.
    public init(configuration: SupervisorConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let runtime = configuration.stateDirectory + "/runtime"
        self.workRoot = configuration.stateDirectory + "/work"
        self.harnessPath = runtime + "/harness.py"
        for (directory, mode) in [(configuration.stateDirectory, 0o700), (runtime, 0o755), (workRoot, 0o711)] {
            try Self.makeDirectory(directory, mode: mode_t(mode))
        }
        try Self.installHarness(at: harnessPath)
        self.pool = NIOThreadPool(numberOfThreads: max(1, configuration.maxConcurrentExecutions))
        self.pool.start()
    }

    /// Stops the worker threads after the running executions finish.
    public func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    /// Runs one request to completion. Never throws: a failure of the sandbox itself is a
    /// `system_error` result (retryable), logged once with the execution id.
    public func execute(_ request: ExecutionRequest, caller: CallerIdentity) async -> ExecutionResult {
        var generator = SystemRandomNumberGenerator()
        let now = Date()
        let id = ExecutionID.make(millisecondsSinceEpoch: UInt64(now.timeIntervalSince1970 * 1000), random: &generator)
        let limits = configuration.limitPolicy.effectiveLimits(for: request.limits)
        let allowedModules = ImportPolicy.allowedModules(for: request.securityLevel)
        var facts = ExecutionFacts(
            executionId: id,
            timestamp: Self.iso8601(now),
            request: request,
            assignedBy: request.client ?? caller.userName ?? "uid:\(caller.uid)",
            limits: limits,
            availableModules: allowedModules ?? [],
            availableCapabilities: [],
            sandbox: SandboxReport(layers: ["process", "process_group", "rlimits", "no_new_privs", "work_directory"])
        )
        var logger = self.logger
        logger[metadataKey: "execution.id"] = "\(id)"
        logger.debug("execution accepted", metadata: ["caller.uid": "\(caller.uid)", "code.bytes": "\(request.code.utf8.count)"])

        do {
            let job = HarnessJob(
                code: request.code, detail: request.detail, trace: request.trace,
                securityLevel: request.securityLevel, allowedModules: allowedModules,
                maxValueChars: configuration.maxValueChars
            )
            let jobBytes = try job.encoded()
            let observed = try await pool.runIfActive { [self] in
                try self.runWorker(id: id, request: request, limits: limits, jobBytes: jobBytes)
            }
            facts.stdout = observed.stdout.text
            facts.stderr = observed.stderr.text
            facts.stdoutTruncated = observed.stdout.overflowed
            facts.stderrTruncated = observed.stderr.overflowed
            facts.observation = observation(of: observed)
            switch HarnessReportDecoder.decode(observed.report.bytes) {
            case .success(let report) where !observed.report.overflowed:
                facts.report = report
            case .success:
                facts.observation.reportProblem = "report exceeded \(HarnessReportDecoder.maxReportBytes) bytes"
            case .failure(let problem):
                facts.observation.reportProblem = "\(problem)"
            }
            if let problem = facts.observation.reportProblem, observed.report.totalBytes > 0 {
                logger.warning("worker report refused", metadata: ["report.problem": "\(problem)"])
            }
        } catch {
            facts.systemFailure = "\(error)"
            logger.error("execution failed in the sandbox", metadata: ["error": "\(error)"])
        }
        let result = Diagnostics.result(for: facts)
        logger.info(
            "execution finished",
            metadata: [
                "outcome": "\(result.errorCategory?.rawValue ?? "success")",
                "duration.seconds": "\(result.executionResult.executionTime)",
            ]
        )
        return result
    }

    /// The blocking part of an execution, on a worker thread: set up, spawn, observe, clean up.
    private func runWorker(id: String, request: ExecutionRequest, limits: ExecutionLimits, jobBytes: [UInt8]) throws
        -> ObservedRun
    {
        let workDirectory = try WorkDirectory.create(root: workRoot, id: id, files: request.files)
        defer { workDirectory.remove() }

        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        defer {
            for fd in parentEnds + childEnds { Descriptors.close(fd) }
        }
        let stdinFD = try Descriptors.sealedMemfd(name: "warden-stdin", bytes: Array(request.stdin.utf8))
        childEnds.append(stdinFD)
        let jobFD = try Descriptors.sealedMemfd(name: "warden-job", bytes: jobBytes)
        childEnds.append(jobFD)
        let stdout = try Descriptors.pipe()
        parentEnds.append(stdout.read)
        childEnds.append(stdout.write)
        let stderr = try Descriptors.pipe()
        parentEnds.append(stderr.read)
        childEnds.append(stderr.write)
        let report = try Descriptors.pipe()
        parentEnds.append(report.read)
        childEnds.append(report.write)

        let spec = SpawnSpec(
            executable: configuration.pythonPath,
            arguments: [configuration.pythonPath, "-I", "-S", "-B", "-X", "utf8", harnessPath],
            environment: [
                "PATH=/usr/bin:/bin", "HOME=\(workDirectory.path)", "TMPDIR=\(workDirectory.path)",
                "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
            ],
            workingDirectory: workDirectory.path,
            // fd 0 stdin, 1 stdout, 2 stderr, 3 report, 4 job: the harness contract.
            descriptors: [stdinFD, stdout.write, stderr.write, report.write, jobFD],
            limits: rlimits(for: limits)
        )
        let start = Monotonic.seconds()
        let child = try Spawner.spawn(spec)
        defer { child.close() }
        // Only the child may hold the write ends now, so EOF means the worker closed them.
        for fd in childEnds { Descriptors.close(fd) }
        childEnds.removeAll()

        let observer = WorkerObserver(
            child: child, stdoutFD: stdout.read, stderrFD: stderr.read, reportFD: report.read,
            timeoutSeconds: limits.timeoutSeconds, maxOutputBytes: limits.maxOutputBytes,
            maxReportBytes: HarnessReportDecoder.maxReportBytes
        )
        return try observer.run(startedAt: start)
    }

    private func rlimits(for limits: ExecutionLimits) -> [ResourceLimit] {
        let addressSpace = UInt64(limits.memoryMB + configuration.interpreterOverheadMB) << 20
        return [
            .addressSpace(bytes: addressSpace),
            .cpu(seconds: UInt64(limits.cpuSeconds.rounded(.up))),
            .processes(UInt64(limits.maxProcesses)),
            .fileSize(bytes: UInt64(limits.maxFileBytes)),
            .openFiles(UInt64(limits.maxOpenFiles)),
            .noCoreDumps,
        ]
    }

    private func observation(of run: ObservedRun) -> ProcessObservation {
        var observation = ProcessObservation(
            wallTimeoutHit: run.wallTimeoutHit,
            wallSeconds: run.wallSeconds,
            cpuSeconds: run.exit.userSeconds + run.exit.systemSeconds,
            peakMemoryBytes: run.exit.maxResidentBytes,
            stdoutBytes: run.stdout.totalBytes,
            stderrBytes: run.stderr.totalBytes
        )
        switch run.exit.reason {
        case .exited(let status): observation.exitStatus = Int(status)
        case .signaled(let signal): observation.signal = signal
        }
        return observation
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
        let source = try HarnessResource.source()
        let temporary = path + ".tmp"
        try Data(source.utf8).write(to: URL(fileURLWithPath: temporary))
        if chmod(temporary, 0o644) != 0 { throw JailError(step: "set the mode of \(temporary)", errno: errno) }
        if rename(temporary, path) != 0 { throw JailError(step: "install the harness at \(path)", errno: errno) }
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
