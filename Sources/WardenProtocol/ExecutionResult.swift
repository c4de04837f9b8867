/// The answer to one execution: the shape of seed 001 "Complete Error Response Format" plus the
/// fields SPEC §3 adds. Fields that do not apply are absent, never invented.
public struct ExecutionResult: Sendable, Equatable, Codable {
    public var executionId: String
    public var success: Bool
    /// ISO-8601 UTC, when the execution was accepted.
    public var timestamp: String
    public var assignedBy: String?
    public var executionResult: ExecutionOutput
    public var errorCategory: ErrorCategory?
    public var errorSummary: String?
    public var errorDetails: ErrorDetails?
    public var partialResults: PartialResults?
    public var recoveryOptions: [RecoveryOption]?
    public var securityViolation: SecurityViolation?
    /// True only where running the same request again can succeed.
    public var retryable: Bool
    public var limits: ExecutionLimits
    /// The confinement layers applied (`full` detail only).
    public var sandbox: SandboxReport?
    /// (+) Set when this execution could not be written to the history, with the reason; the
    /// execution itself ran and this result is complete. Absent when the history has it.
    public var historyError: String?

    public init(
        executionId: String, success: Bool, timestamp: String, assignedBy: String?,
        executionResult: ExecutionOutput, errorCategory: ErrorCategory? = nil, errorSummary: String? = nil,
        errorDetails: ErrorDetails? = nil, partialResults: PartialResults? = nil,
        recoveryOptions: [RecoveryOption]? = nil, securityViolation: SecurityViolation? = nil,
        retryable: Bool = false, limits: ExecutionLimits, sandbox: SandboxReport? = nil, historyError: String? = nil
    ) {
        self.executionId = executionId
        self.success = success
        self.timestamp = timestamp
        self.assignedBy = assignedBy
        self.executionResult = executionResult
        self.errorCategory = errorCategory
        self.errorSummary = errorSummary
        self.errorDetails = errorDetails
        self.partialResults = partialResults
        self.recoveryOptions = recoveryOptions
        self.securityViolation = securityViolation
        self.retryable = retryable
        self.limits = limits
        self.sandbox = sandbox
        self.historyError = historyError
    }

    enum CodingKeys: String, CodingKey {
        case executionId = "execution_id"
        case success, timestamp
        case assignedBy = "assigned_by"
        case executionResult = "execution_result"
        case errorCategory = "error_category"
        case errorSummary = "error_summary"
        case errorDetails = "error_details"
        case partialResults = "partial_results"
        case recoveryOptions = "recovery_options"
        case securityViolation = "security_violation"
        case retryable, limits, sandbox
        case historyError = "history_error"
    }
}

/// `execution_result`: what the program produced.
public struct ExecutionOutput: Sendable, Equatable, Codable {
    public var stdout: String
    public var stderr: String
    public var stdoutTruncated: Bool
    public var stderrTruncated: Bool
    /// The value of a final bare expression, as a notebook shows it.
    public var returnValue: JSONValue?
    /// Module globals after the run: user data only, bounded values.
    public var variables: [String: JSONValue]
    /// Seconds, wall clock, measured by the supervisor.
    public var executionTime: Double
    /// CPU seconds (user + system), measured by the kernel.
    public var cpuTime: Double
    /// Peak memory, human readable ("2.5MB").
    public var memoryUsed: String
    public var memoryUsedBytes: Int
    /// Exit status; nil when the process was killed by a signal.
    public var exitCode: Int?
    /// The signal that ended the process, by name ("SIGKILL"), if any.
    public var signal: String?
    public var exceptionInfo: ExceptionInfo?
    public var warnings: [WarningRecord]

    public init(
        stdout: String = "", stderr: String = "", stdoutTruncated: Bool = false, stderrTruncated: Bool = false,
        returnValue: JSONValue? = nil, variables: [String: JSONValue] = [:], executionTime: Double = 0,
        cpuTime: Double = 0, memoryUsed: String = "0B", memoryUsedBytes: Int = 0, exitCode: Int? = nil,
        signal: String? = nil, exceptionInfo: ExceptionInfo? = nil, warnings: [WarningRecord] = []
    ) {
        self.stdout = stdout
        self.stderr = stderr
        self.stdoutTruncated = stdoutTruncated
        self.stderrTruncated = stderrTruncated
        self.returnValue = returnValue
        self.variables = variables
        self.executionTime = executionTime
        self.cpuTime = cpuTime
        self.memoryUsed = memoryUsed
        self.memoryUsedBytes = memoryUsedBytes
        self.exitCode = exitCode
        self.signal = signal
        self.exceptionInfo = exceptionInfo
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case stdout, stderr
        case stdoutTruncated = "stdout_truncated"
        case stderrTruncated = "stderr_truncated"
        case returnValue = "return_value"
        case variables
        case executionTime = "execution_time"
        case cpuTime = "cpu_time"
        case memoryUsed = "memory_used"
        case memoryUsedBytes = "memory_used_bytes"
        case exitCode = "exit_code"
        case signal
        case exceptionInfo = "exception_info"
        case warnings
    }

    // `return_value` is always present (null when there is none), as in seed 001.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stdout, forKey: .stdout)
        try container.encode(stderr, forKey: .stderr)
        try container.encode(stdoutTruncated, forKey: .stdoutTruncated)
        try container.encode(stderrTruncated, forKey: .stderrTruncated)
        try container.encode(returnValue ?? .null, forKey: .returnValue)
        try container.encode(variables, forKey: .variables)
        try container.encode(executionTime, forKey: .executionTime)
        try container.encode(cpuTime, forKey: .cpuTime)
        try container.encode(memoryUsed, forKey: .memoryUsed)
        try container.encode(memoryUsedBytes, forKey: .memoryUsedBytes)
        try container.encode(exitCode, forKey: .exitCode)
        try container.encodeIfPresent(signal, forKey: .signal)
        try container.encodeIfPresent(exceptionInfo, forKey: .exceptionInfo)
        try container.encode(warnings, forKey: .warnings)
    }
}

/// `exception_info`: the exception as CPython saw it.
public struct ExceptionInfo: Sendable, Equatable, Codable {
    /// The class name (`JSONDecodeError`).
    public var type: String
    /// The full name (`json.decoder.JSONDecodeError`).
    public var qualifiedType: String
    public var message: String
    public var traceback: [TracebackFrame]
    /// Exactly what CPython's `traceback` module prints, without harness frames.
    public var fullTraceback: String
    public var localVariables: [String: JSONValue]?
    public var globalVariables: [String: JSONValue]?
    public var context: String?
    public var suggestions: [String]?

    public init(
        type: String, qualifiedType: String, message: String, traceback: [TracebackFrame], fullTraceback: String,
        localVariables: [String: JSONValue]? = nil, globalVariables: [String: JSONValue]? = nil,
        context: String? = nil, suggestions: [String]? = nil
    ) {
        self.type = type
        self.qualifiedType = qualifiedType
        self.message = message
        self.traceback = traceback
        self.fullTraceback = fullTraceback
        self.localVariables = localVariables
        self.globalVariables = globalVariables
        self.context = context
        self.suggestions = suggestions
    }

    enum CodingKeys: String, CodingKey {
        case type
        case qualifiedType = "qualified_type"
        case message, traceback
        case fullTraceback = "full_traceback"
        case localVariables = "local_variables"
        case globalVariables = "global_variables"
        case context, suggestions
    }
}

/// One frame of a traceback, innermost last. Lines and columns are 1-based.
public struct TracebackFrame: Sendable, Equatable, Codable {
    public var filename: String
    public var lineNumber: Int
    public var endLineNumber: Int?
    public var columnNumber: Int?
    public var endColumnNumber: Int?
    public var functionName: String
    public var codeLine: String?
    /// Bounded locals of this frame (`full` detail).
    public var localVars: [String: JSONValue]?

    public init(
        filename: String, lineNumber: Int, endLineNumber: Int? = nil, columnNumber: Int? = nil,
        endColumnNumber: Int? = nil, functionName: String, codeLine: String?, localVars: [String: JSONValue]? = nil
    ) {
        self.filename = filename
        self.lineNumber = lineNumber
        self.endLineNumber = endLineNumber
        self.columnNumber = columnNumber
        self.endColumnNumber = endColumnNumber
        self.functionName = functionName
        self.codeLine = codeLine
        self.localVars = localVars
    }

    enum CodingKeys: String, CodingKey {
        case filename
        case lineNumber = "line_number"
        case endLineNumber = "end_line_number"
        case columnNumber = "column_number"
        case endColumnNumber = "end_column_number"
        case functionName = "function_name"
        case codeLine = "code_line"
        case localVars = "local_vars"
    }
}

/// A Python warning raised while the code ran.
public struct WarningRecord: Sendable, Equatable, Codable {
    public var category: String
    public var message: String
    public var lineNumber: Int?

    public init(category: String, message: String, lineNumber: Int?) {
        self.category = category
        self.message = message
        self.lineNumber = lineNumber
    }

    enum CodingKeys: String, CodingKey {
        case category, message
        case lineNumber = "line_number"
    }
}
