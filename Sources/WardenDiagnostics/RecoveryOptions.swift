import WardenProtocol

/// `recovery_options`: the ways forward after a failure, most direct first.
enum RecoveryOptions {
    static func build(_ diagnosis: Diagnosis, _ evidence: Evidence) -> [RecoveryOption] {
        if diagnosis.category == .systemError {
            return [
                RecoveryOption(
                    option: .retry, description: "Run the same request again: the sandbox failed, not the code",
                    nextSteps: ["Send the same request again", "Set retry_of to this execution's id"])
            ]
        }
        var options: [RecoveryOption] = [
            RecoveryOption(option: .fixAndRetry, description: diagnosis.fixDescription, suggestedFix: diagnosis.suggestedFix)
        ]
        if let snippet = PartialResultsBuilder.snippet(evidence) {
            options.append(
                RecoveryOption(
                    option: .partialExecution, description: "Run only the part of the code that completed",
                    codeSnippet: snippet))
        }
        if let capability = diagnosis.capability {
            options.append(
                RecoveryOption(
                    option: .requestCapability,
                    description: "Ask an administrator for a capability token granting '\(capability)'",
                    nextSteps: ["warden token issue --capability \(capability)", "Send the token in the request's capabilities"],
                    capability: capability))
        }
        if !evidence.facts.request.trace, diagnosis.category != .syntaxError {
            var steps = ["Run again with trace: true to record the execution path"]
            if let line = diagnosis.details.lineNumber {
                steps.append("Add print() calls before line \(line) to check the values it uses")
            } else {
                steps.append("Add print() calls to see how far the code gets")
            }
            options.append(RecoveryOption(option: .debugMode, description: "Run again step by step with tracing", nextSteps: steps))
        }
        return options
    }
}
