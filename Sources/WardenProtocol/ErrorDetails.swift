/// `error_details`: the generic fields of seed 001 plus the per-category ones (SPEC §3).
public struct ErrorDetails: Sendable, Equatable, Codable {
    // Generic.
    public var errorType: String
    public var errorMessage: String
    public var lineNumber: Int?
    public var columnNumber: Int?
    public var endColumnNumber: Int?
    public var functionName: String?
    public var problematicCode: String?
    public var localVariables: [String: JSONValue]?
    public var context: String?
    public var suggestions: [String]
    public var immediateCause: String?
    public var contributingFactors: [String]?
    public var executionContext: ExecutionContext?

    // Syntax.
    /// The source line with a caret under the offending column.
    public var caret: String?

    // Import.
    public var attemptedImport: String?
    public var availableModules: [String]?

    // Security.
    public var violationType: String?
    public var attemptedAction: String?
    public var securityLevel: SecurityLevel?
    public var requiredCapability: String?
    public var availableCapabilities: [String]?

    // Timeout.
    public var timeoutLimit: Double?
    public var limitKind: LimitKind?
    public var executionTime: Double?
    public var lastExecutedLine: Int?
    public var partialOutput: String?

    // Memory.
    public var memoryLimit: String?
    public var memoryLimitBytes: Int?
    public var memoryUsed: String?
    public var memoryUsedBytes: Int?

    // Resource.
    public var resource: String?
    public var used: Int?
    public var limit: Int?

    public init(errorType: String, errorMessage: String, suggestions: [String] = []) {
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.suggestions = suggestions
    }

    enum CodingKeys: String, CodingKey {
        case errorType = "error_type"
        case errorMessage = "error_message"
        case lineNumber = "line_number"
        case columnNumber = "column_number"
        case endColumnNumber = "end_column_number"
        case functionName = "function_name"
        case problematicCode = "problematic_code"
        case localVariables = "local_variables"
        case context, suggestions
        case immediateCause = "immediate_cause"
        case contributingFactors = "contributing_factors"
        case executionContext = "execution_context"
        case caret
        case attemptedImport = "attempted_import"
        case availableModules = "available_modules"
        case violationType = "violation_type"
        case attemptedAction = "attempted_action"
        case securityLevel = "security_level"
        case requiredCapability = "required_capability"
        case availableCapabilities = "available_capabilities"
        case timeoutLimit = "timeout_limit"
        case limitKind = "limit_kind"
        case executionTime = "execution_time"
        case lastExecutedLine = "last_executed_line"
        case partialOutput = "partial_output"
        case memoryLimit = "memory_limit"
        case memoryLimitBytes = "memory_limit_bytes"
        case memoryUsed = "memory_used"
        case memoryUsedBytes = "memory_used_bytes"
        case resource, used, limit
    }
}

/// `error_details.execution_context` (seed 001, "Progressive Error Details").
public struct ExecutionContext: Sendable, Equatable, Codable {
    public var variablesInScope: [String]
    public var lastSuccessfulLine: Int?
    /// Present only when the request asked for `trace: true`.
    public var executionPath: [String]?

    public init(variablesInScope: [String], lastSuccessfulLine: Int?, executionPath: [String]? = nil) {
        self.variablesInScope = variablesInScope
        self.lastSuccessfulLine = lastSuccessfulLine
        self.executionPath = executionPath
    }

    enum CodingKeys: String, CodingKey {
        case variablesInScope = "variables_in_scope"
        case lastSuccessfulLine = "last_successful_line"
        case executionPath = "execution_path"
    }
}

/// `partial_results`: what finished before the failure.
public struct PartialResults: Sendable, Equatable, Codable {
    /// Top-level statements that finished.
    public var completedLines: Int
    /// Top-level statements in the script.
    public var totalLines: Int
    public var stdoutBeforeError: String
    public var variablesBeforeError: [String: JSONValue]
    /// "line 1: x = 10", one per completed top-level statement.
    public var successfulOperations: [String]

    public init(
        completedLines: Int, totalLines: Int, stdoutBeforeError: String,
        variablesBeforeError: [String: JSONValue], successfulOperations: [String]
    ) {
        self.completedLines = completedLines
        self.totalLines = totalLines
        self.stdoutBeforeError = stdoutBeforeError
        self.variablesBeforeError = variablesBeforeError
        self.successfulOperations = successfulOperations
    }

    enum CodingKeys: String, CodingKey {
        case completedLines = "completed_lines"
        case totalLines = "total_lines"
        case stdoutBeforeError = "stdout_before_error"
        case variablesBeforeError = "variables_before_error"
        case successfulOperations = "successful_operations"
    }
}

/// One way forward after a failure (seed 001, "Recovery Suggestions").
public struct RecoveryOption: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case fixAndRetry = "fix_and_retry"
        case partialExecution = "partial_execution"
        case debugMode = "debug_mode"
        case requestCapability = "request_capability"
        case retry
    }

    public var option: Kind
    public var description: String
    public var suggestedFix: String?
    public var codeSnippet: String?
    public var nextSteps: [String]?
    public var capability: String?

    public init(
        option: Kind, description: String, suggestedFix: String? = nil, codeSnippet: String? = nil,
        nextSteps: [String]? = nil, capability: String? = nil
    ) {
        self.option = option
        self.description = description
        self.suggestedFix = suggestedFix
        self.codeSnippet = codeSnippet
        self.nextSteps = nextSteps
        self.capability = capability
    }

    enum CodingKeys: String, CodingKey {
        case option, description
        case suggestedFix = "suggested_fix"
        case codeSnippet = "code_snippet"
        case nextSteps = "next_steps"
        case capability
    }
}

/// `security_violation` (seed 001, "Blocked Operations").
public struct SecurityViolation: Sendable, Equatable, Codable {
    public var attemptedOperation: String
    public var blockedCode: String?
    public var reason: String
    public var alternativeApproaches: [String]

    public init(attemptedOperation: String, blockedCode: String?, reason: String, alternativeApproaches: [String]) {
        self.attemptedOperation = attemptedOperation
        self.blockedCode = blockedCode
        self.reason = reason
        self.alternativeApproaches = alternativeApproaches
    }

    enum CodingKeys: String, CodingKey {
        case attemptedOperation = "attempted_operation"
        case blockedCode = "blocked_code"
        case reason
        case alternativeApproaches = "alternative_approaches"
    }
}

/// The confinement layers applied to one execution, and those the host lacked.
public struct SandboxReport: Sendable, Equatable, Codable {
    public var layers: [String]
    public var unavailable: [String: String]

    public init(layers: [String], unavailable: [String: String] = [:]) {
        self.layers = layers
        self.unavailable = unavailable
    }
}
