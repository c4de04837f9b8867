/// Where an execution is in its life, as the history stores it.
public enum ExecutionStatus: String, Sendable, Codable, CaseIterable {
    /// Accepted, not finished (or the daemon died before it finished and has not restarted).
    case running
    case succeeded
    /// Any failure category, including `system_error` "interrupted by daemon restart".
    case failed
}

/// Who ran an execution, as the kernel reported it.
public struct HistoryCaller: Sendable, Equatable, Codable {
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32?
    public var userName: String?

    public init(uid: UInt32, gid: UInt32, pid: Int32? = nil, userName: String? = nil) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.userName = userName
    }

    enum CodingKeys: String, CodingKey {
        case uid, gid, pid
        case userName = "user_name"
    }
}

/// One line of `GET /v1/executions`: enough to pick an execution, without its request and
/// result (`GET /v1/executions/{id}` has those).
public struct ExecutionSummary: Sendable, Equatable, Codable {
    public var executionId: String
    public var status: ExecutionStatus
    /// ISO-8601 UTC, milliseconds.
    public var acceptedAt: String
    public var finishedAt: String?
    /// Wall-clock seconds of the run, as the supervisor measured it.
    public var durationSeconds: Double?
    public var peakMemoryBytes: Int?
    public var caller: HistoryCaller
    public var client: String?
    public var errorCategory: ErrorCategory?
    public var errorType: String?
    public var errorMessage: String?
    public var errorPattern: String?
    public var retryOf: String?
    /// The first line of the code, at most 80 characters.
    public var codePreview: String

    public init(
        executionId: String, status: ExecutionStatus, acceptedAt: String, finishedAt: String? = nil,
        durationSeconds: Double? = nil, peakMemoryBytes: Int? = nil, caller: HistoryCaller, client: String? = nil,
        errorCategory: ErrorCategory? = nil, errorType: String? = nil, errorMessage: String? = nil,
        errorPattern: String? = nil, retryOf: String? = nil, codePreview: String
    ) {
        self.executionId = executionId
        self.status = status
        self.acceptedAt = acceptedAt
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds
        self.peakMemoryBytes = peakMemoryBytes
        self.caller = caller
        self.client = client
        self.errorCategory = errorCategory
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.errorPattern = errorPattern
        self.retryOf = retryOf
        self.codePreview = codePreview
    }

    enum CodingKeys: String, CodingKey {
        case executionId = "execution_id"
        case status
        case acceptedAt = "accepted_at"
        case finishedAt = "finished_at"
        case durationSeconds = "duration_seconds"
        case peakMemoryBytes = "peak_memory_bytes"
        case caller, client
        case errorCategory = "error_category"
        case errorType = "error_type"
        case errorMessage = "error_message"
        case errorPattern = "error_pattern"
        case retryOf = "retry_of"
        case codePreview = "code_preview"
    }
}

/// `GET /v1/executions`: newest first; `next_cursor` is absent on the last page.
public struct ExecutionPage: Sendable, Equatable, Codable {
    public var executions: [ExecutionSummary]
    public var nextCursor: String?

    public init(executions: [ExecutionSummary], nextCursor: String?) {
        self.executions = executions
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case executions
        case nextCursor = "next_cursor"
    }
}

/// What the history left out of a stored request (large inputs are kept as sizes only).
public struct RequestOmissions: Sendable, Equatable, Codable {
    /// File name → size in bytes of each file whose content was not stored.
    public var files: [String: Int]
    /// Size of stdin when it was not stored.
    public var stdinBytes: Int?

    public init(files: [String: Int] = [:], stdinBytes: Int? = nil) {
        self.files = files
        self.stdinBytes = stdinBytes
    }

    enum CodingKeys: String, CodingKey {
        case files
        case stdinBytes = "stdin_bytes"
    }
}

/// `GET /v1/executions/{id}`: one stored execution with its request, result and timings.
public struct ExecutionRecord: Sendable, Equatable, Codable {
    public var executionId: String
    public var status: ExecutionStatus
    public var acceptedAt: String
    public var finishedAt: String?
    public var durationSeconds: Double?
    public var peakMemoryBytes: Int?
    public var caller: HistoryCaller
    public var client: String?
    public var metadata: [String: JSONValue]
    /// The request as it was sent (capabilities as given; large files and stdin as sizes only,
    /// see `request_omissions`).
    public var request: ExecutionRequest
    public var requestOmissions: RequestOmissions?
    /// The effective limits the execution ran under.
    public var limits: ExecutionLimits
    /// The result the client received; absent while running.
    public var result: ExecutionResult?
    public var errorPattern: String?
    public var retryOf: String?
    /// Later executions that name this one in `retry_of`, oldest first (those the caller may see).
    public var retries: [String]

    public init(
        executionId: String, status: ExecutionStatus, acceptedAt: String, finishedAt: String?,
        durationSeconds: Double?, peakMemoryBytes: Int?, caller: HistoryCaller, client: String?,
        metadata: [String: JSONValue], request: ExecutionRequest, requestOmissions: RequestOmissions?,
        limits: ExecutionLimits, result: ExecutionResult?, errorPattern: String?, retryOf: String?, retries: [String]
    ) {
        self.executionId = executionId
        self.status = status
        self.acceptedAt = acceptedAt
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds
        self.peakMemoryBytes = peakMemoryBytes
        self.caller = caller
        self.client = client
        self.metadata = metadata
        self.request = request
        self.requestOmissions = requestOmissions
        self.limits = limits
        self.result = result
        self.errorPattern = errorPattern
        self.retryOf = retryOf
        self.retries = retries
    }

    enum CodingKeys: String, CodingKey {
        case executionId = "execution_id"
        case status
        case acceptedAt = "accepted_at"
        case finishedAt = "finished_at"
        case durationSeconds = "duration_seconds"
        case peakMemoryBytes = "peak_memory_bytes"
        case caller, client, metadata, request
        case requestOmissions = "request_omissions"
        case limits, result
        case errorPattern = "error_pattern"
        case retryOf = "retry_of"
        case retries
    }
}

/// One changed line between a failed script and the version that fixed it.
public struct LineChange: Sendable, Equatable, Codable {
    /// 1-based line in the failed script (removed, changed), else in the fix (added).
    public var line: Int
    public var before: String?
    public var after: String?

    public init(line: Int, before: String?, after: String?) {
        self.line = line
        self.before = before
        self.after = after
    }
}

/// The later execution that fixed a failure (seed 001 `error_history[].resolution`).
public struct Resolution: Sendable, Equatable, Codable {
    /// The first succeeding execution reached through `retry_of` links from the failure.
    public var executionId: String
    public var timestamp: String
    /// How many retries it took, this one included (1: the direct retry succeeded).
    public var attempts: Int
    /// What changed, in words: "line 3: `print(totl)` → `print(total)`".
    public var description: String
    /// The changed lines (at most 20).
    public var changes: [LineChange]

    public init(executionId: String, timestamp: String, attempts: Int, description: String, changes: [LineChange]) {
        self.executionId = executionId
        self.timestamp = timestamp
        self.attempts = attempts
        self.description = description
        self.changes = changes
    }

    enum CodingKeys: String, CodingKey {
        case executionId = "execution_id"
        case timestamp, attempts, description, changes
    }
}

/// One failed execution of `GET /v1/errors` (seed 001 `error_history`).
public struct ErrorEntry: Sendable, Equatable, Codable {
    public var executionId: String
    /// When it was accepted (ISO-8601 UTC).
    public var timestamp: String
    public var errorType: String
    public var errorCategory: ErrorCategory
    public var errorMessage: String
    public var errorSummary: String?
    public var errorPattern: String
    public var client: String?
    public var retryOf: String?
    /// The later execution that succeeded, and what changed; absent while unresolved.
    public var resolution: Resolution?
    /// The suggestion of this failure that the fix followed, where one did.
    public var learning: String?

    public init(
        executionId: String, timestamp: String, errorType: String, errorCategory: ErrorCategory,
        errorMessage: String, errorSummary: String?, errorPattern: String, client: String?, retryOf: String?,
        resolution: Resolution?, learning: String?
    ) {
        self.executionId = executionId
        self.timestamp = timestamp
        self.errorType = errorType
        self.errorCategory = errorCategory
        self.errorMessage = errorMessage
        self.errorSummary = errorSummary
        self.errorPattern = errorPattern
        self.client = client
        self.retryOf = retryOf
        self.resolution = resolution
        self.learning = learning
    }

    enum CodingKeys: String, CodingKey {
        case executionId = "execution_id"
        case timestamp
        case errorType = "error_type"
        case errorCategory = "error_category"
        case errorMessage = "error_message"
        case errorSummary = "error_summary"
        case errorPattern = "error_pattern"
        case client
        case retryOf = "retry_of"
        case resolution, learning
    }
}

/// `GET /v1/errors`: newest first, paginated like `GET /v1/executions`.
public struct ErrorPage: Sendable, Equatable, Codable {
    public var errorHistory: [ErrorEntry]
    public var nextCursor: String?

    public init(errorHistory: [ErrorEntry], nextCursor: String?) {
        self.errorHistory = errorHistory
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case errorHistory = "error_history"
        case nextCursor = "next_cursor"
    }
}

/// One recurring error pattern (seed 001 `common_errors`).
public struct CommonError: Sendable, Equatable, Codable {
    /// Normalised: "NameError with undefined variables" (see `ErrorPattern` in WardenHistory).
    public var errorPattern: String
    public var errorCategory: ErrorCategory
    public var frequency: Int
    public var typicalCauses: [String]
    /// The newest executions with this pattern (at most 3).
    public var exampleIds: [String]
    public var firstSeen: String
    public var lastSeen: String

    public init(
        errorPattern: String, errorCategory: ErrorCategory, frequency: Int, typicalCauses: [String],
        exampleIds: [String], firstSeen: String, lastSeen: String
    ) {
        self.errorPattern = errorPattern
        self.errorCategory = errorCategory
        self.frequency = frequency
        self.typicalCauses = typicalCauses
        self.exampleIds = exampleIds
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
        case errorPattern = "error_pattern"
        case errorCategory = "error_category"
        case frequency
        case typicalCauses = "typical_causes"
        case exampleIds = "example_ids"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}

/// `GET /v1/errors/common`: patterns by frequency, most frequent first.
public struct CommonErrorsReport: Sendable, Equatable, Codable {
    /// The window the counts cover (ISO-8601 UTC; absent: unbounded on that side).
    public var since: String?
    public var until: String?
    /// Failed executions in the window, all patterns together.
    public var totalFailures: Int
    public var commonErrors: [CommonError]

    public init(since: String?, until: String?, totalFailures: Int, commonErrors: [CommonError]) {
        self.since = since
        self.until = until
        self.totalFailures = totalFailures
        self.commonErrors = commonErrors
    }

    enum CodingKeys: String, CodingKey {
        case since, until
        case totalFailures = "total_failures"
        case commonErrors = "common_errors"
    }
}
