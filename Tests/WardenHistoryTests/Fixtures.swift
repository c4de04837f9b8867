import Foundation
import WardenProtocol

@testable import WardenHistory

/// A real history file in a fresh temporary directory, removed afterwards.
func withStore<T>(denseMatches: Int = 10_000, slabSize: Int = 5000, _ body: (SQLiteExecutionStore, String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wh-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/history.sqlite"
    let store = try SQLiteExecutionStore(path: path, durability: .normal, denseMatches: denseMatches, slabSize: slabSize)
    return try await body(store, path)
}

/// Builds executions and results the way the supervisor would, at chosen times.
struct Make {
    static let base = Date(timeIntervalSince1970: 1_760_000_000)
    static let limits = ExecutionLimits(
        timeoutSeconds: 30, memoryMB: 100, cpuSeconds: 30, maxOutputBytes: 1 << 20, maxProcesses: 1,
        maxFileBytes: 10 << 20, maxOpenFiles: 64
    )
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// An id accepted `seconds` after `base`, with `salt` in its random part.
    static func id(at seconds: Double, salt: Int = 0) -> String {
        let ms = UInt64((base.timeIntervalSince1970 + seconds) * 1000)
        var random = ""
        var value = salt
        for _ in 0..<16 {
            random.append(alphabet[value & 31])
            value >>= 5
        }
        return "exec_" + ExecutionIDRange.timePart(ms) + String(random.reversed())
    }

    static func accepted(
        at seconds: Double, salt: Int = 0, code: String = "print('hello')", uid: UInt32 = 1000, client: String? = "ray",
        retryOf: String? = nil, metadata: [String: JSONValue] = [:], files: [String: String] = [:]
    ) -> AcceptedExecution {
        var request = ExecutionRequest(code: code, files: files, capabilities: ["import:numpy"], client: client, metadata: metadata, retryOf: retryOf)
        request.limits.timeoutSeconds = 30
        return AcceptedExecution(
            id: id(at: seconds, salt: salt), acceptedAt: base.addingTimeInterval(seconds), request: request,
            caller: CallerIdentity(uid: uid, gid: uid, pid: 4242, userName: "user\(uid)"), limits: limits,
            assignedBy: client ?? "user\(uid)"
        )
    }

    static func success(_ execution: AcceptedExecution, stdout: String = "hello\n") -> ExecutionResult {
        ExecutionResult(
            executionId: execution.id, success: true, timestamp: HistoryTime.string(execution.acceptedAt),
            assignedBy: execution.assignedBy,
            executionResult: ExecutionOutput(stdout: stdout, executionTime: 0.031, memoryUsed: "9.1MB", memoryUsedBytes: 9_500_000, exitCode: 0),
            limits: limits
        )
    }

    static func failure(
        _ execution: AcceptedExecution, category: ErrorCategory = .runtimeError, type: String, message: String,
        suggestions: [String] = [], fix: String? = nil, configure: (inout ErrorDetails) -> Void = { _ in }
    ) -> ExecutionResult {
        var details = ErrorDetails(errorType: type, errorMessage: message, suggestions: suggestions)
        configure(&details)
        return ExecutionResult(
            executionId: execution.id, success: false, timestamp: HistoryTime.string(execution.acceptedAt),
            assignedBy: execution.assignedBy,
            executionResult: ExecutionOutput(stderr: "\(type): \(message)\n", executionTime: 0.02, memoryUsed: "8MB", memoryUsedBytes: 8_000_000, exitCode: 1),
            errorCategory: category, errorSummary: "\(type): \(message)", errorDetails: details,
            recoveryOptions: [RecoveryOption(option: .fixAndRetry, description: "Fix the code and run again", suggestedFix: fix)],
            limits: limits
        )
    }

    static func nameError(_ execution: AcceptedExecution, name: String, suggestion: String? = nil) -> ExecutionResult {
        failure(
            execution, type: "NameError", message: "name '\(name)' is not defined",
            suggestions: suggestion.map { ["Did you mean '\($0)'?"] } ?? ["Define '\(name)' before using it"]
        )
    }
}

extension SQLiteExecutionStore {
    /// Records an execution from acceptance to its result.
    func run(_ execution: AcceptedExecution, _ result: (AcceptedExecution) -> ExecutionResult) async throws {
        try await accepted(execution)
        try await finished(execution, result: result(execution))
    }

    func ids(_ query: HistoryQuery = HistoryQuery(), viewer: HistoryViewer = .everyone) async throws -> [String] {
        try await executions(query, viewer: viewer).executions.map(\.executionId)
    }
}
