import Foundation
import GRDB
import WardenProtocol

/// One row of the `execution` table, as GRDB reads and writes it.
struct ExecutionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "execution"

    var seq: Int64?
    var id: String
    var status: String
    var acceptedAt: Int64
    var finishedAt: Int64?
    var callerUID: Int64
    var callerGID: Int64
    var callerPID: Int64?
    var callerName: String?
    var client: String?
    var assignedBy: String?
    var metadata: String
    var request: String
    var requestOmissions: String?
    var code: String
    var limits: String
    var result: String?
    var success: Bool?
    var category: String?
    var errorType: String?
    var errorMessage: String?
    var errorSummary: String?
    var errorPattern: String?
    var suggestions: String?
    var durationSeconds: Double?
    var peakMemoryBytes: Int64?
    var retryOf: String?

    enum CodingKeys: String, CodingKey {
        case seq, id, status
        case acceptedAt = "accepted_at"
        case finishedAt = "finished_at"
        case callerUID = "caller_uid"
        case callerGID = "caller_gid"
        case callerPID = "caller_pid"
        case callerName = "caller_name"
        case client
        case assignedBy = "assigned_by"
        case metadata, request
        case requestOmissions = "request_omissions"
        case code, limits, result, success, category
        case errorType = "error_type"
        case errorMessage = "error_message"
        case errorSummary = "error_summary"
        case errorPattern = "error_pattern"
        case suggestions
        case durationSeconds = "duration_seconds"
        case peakMemoryBytes = "peak_memory_bytes"
        case retryOf = "retry_of"
    }

    /// The row of an execution just accepted (status running).
    init(accepted execution: AcceptedExecution) throws {
        var request = execution.request
        var omissions = RequestOmissions()
        let inputBytes = request.stdin.utf8.count + request.files.values.reduce(0) { $0 + $1.utf8.count }
        if inputBytes > SQLiteExecutionStore.maxStoredInputBytes {
            for (name, content) in request.files { omissions.files[name] = content.utf8.count }
            request.files = [:]
            if !request.stdin.isEmpty {
                omissions.stdinBytes = request.stdin.utf8.count
                request.stdin = ""
            }
        }
        self.id = execution.id
        self.status = ExecutionStatus.running.rawValue
        self.acceptedAt = Int64((execution.acceptedAt.timeIntervalSince1970 * 1000).rounded(.down))
        self.callerUID = Int64(execution.caller.uid)
        self.callerGID = Int64(execution.caller.gid)
        self.callerPID = Int64(execution.caller.pid)
        self.callerName = execution.caller.userName
        self.client = execution.request.client
        self.assignedBy = execution.assignedBy
        self.metadata = try JSON.encode(execution.request.metadata)
        self.request = try JSON.encode(request)
        self.requestOmissions = inputBytes > SQLiteExecutionStore.maxStoredInputBytes ? try JSON.encode(omissions) : nil
        self.code = execution.request.code
        self.limits = try JSON.encode(execution.limits)
        self.retryOf = execution.request.retryOf
    }
}
