import WardenProtocol

/// The multi-level reporting of seed 001, applied to a complete result.
///
/// - `summary`: what happened only. `error_details` keeps error_type, error_message,
///   line_number and column_number; no partial results, recovery options, security
///   violation, locals or globals anywhere.
/// - `standard`: everything but per-frame locals, global variables and the sandbox report
///   (the innermost frame's locals stay, as `local_variables`).
/// - `full`: everything.
///
/// `execution_result.variables` and `return_value` are the program's output and stay at
/// every level.
enum DetailFilter {
    static func apply(_ level: DetailLevel, to result: ExecutionResult) -> ExecutionResult {
        var result = result
        switch level {
        case .full:
            return result
        case .standard:
            result.sandbox = nil
            if var info = result.executionResult.exceptionInfo {
                info.globalVariables = nil
                info.traceback = info.traceback.map { frame in
                    var frame = frame
                    frame.localVars = nil
                    return frame
                }
                result.executionResult.exceptionInfo = info
            }
            return result
        case .summary:
            result.sandbox = nil
            result.partialResults = nil
            result.recoveryOptions = nil
            result.securityViolation = nil
            if var info = result.executionResult.exceptionInfo {
                info.globalVariables = nil
                info.localVariables = nil
                info.context = nil
                info.suggestions = nil
                info.traceback = info.traceback.map { frame in
                    var frame = frame
                    frame.localVars = nil
                    return frame
                }
                result.executionResult.exceptionInfo = info
            }
            if let details = result.errorDetails {
                var kept = ErrorDetails(errorType: details.errorType, errorMessage: details.errorMessage)
                kept.lineNumber = details.lineNumber
                kept.columnNumber = details.columnNumber
                result.errorDetails = kept
            }
            return result
        }
    }
}
