import WardenProtocol

/// The result recorded for an execution that was running when the daemon died: a retryable
/// `system_error` whose outcome is unknown.
enum InterruptedResult {
    static func make(id: String, acceptedAt: String, assignedBy: String?, limits: ExecutionLimits) -> ExecutionResult {
        var details = ErrorDetails(
            errorType: "DaemonRestart", errorMessage: ErrorPattern.interruptedMessage,
            suggestions: [
                "Run the same request again (with retry_of set to this execution's id)",
                "If executions are often interrupted, check why the daemon restarts (journalctl -u wardend)",
            ]
        )
        details.context = "The daemon stopped (killed, crashed or restarted) while this execution ran; its outcome is unknown"
        details.immediateCause = "interrupted by daemon restart"
        return ExecutionResult(
            executionId: id, success: false, timestamp: acceptedAt, assignedBy: assignedBy,
            executionResult: ExecutionOutput(), errorCategory: .systemError,
            errorSummary: "Interrupted by daemon restart: the outcome is unknown",
            errorDetails: details,
            recoveryOptions: [
                RecoveryOption(
                    option: .retry, description: "Run the same request again: the daemon stopped, not the code",
                    nextSteps: ["Send the same request again", "Set retry_of to this execution's id"]
                )
            ],
            retryable: true, limits: limits
        )
    }
}
