import WardenProtocol

/// Everything a diagnosis may draw on: the facts, the report the kernel's facts allow us to
/// believe, the source, and the failing frame when an exception escaped.
struct Evidence {
    let facts: ExecutionFacts
    /// The harness report, nil when missing or contradicted by the kernel (`Verdict.trustedReport`).
    let report: HarnessReport?
    let source: SourceText
    /// Set when the trusted report carries an exception.
    let scene: FailureScene?

    init(facts: ExecutionFacts, report: HarnessReport?) {
        self.facts = facts
        self.report = report
        let source = SourceText(facts.request.code)
        self.source = source
        scene = report?.exception.map {
            FailureScene(
                exception: $0, source: source, globals: report?.variables ?? [:],
                requestFiles: Array(facts.request.files.keys))
        }
    }

    var limits: ExecutionLimits { facts.limits }
    var observation: ProcessObservation { facts.observation }
    var securityLevel: SecurityLevel { facts.request.securityLevel }

    /// The top-level statements the report describes, in order.
    var statements: [StatementRange] { StatementRange.ranges(report?.statementLines ?? []) }

    /// Completed top-level statements, clamped to the statement map.
    var completedStatements: [StatementRange] {
        let completed = max(0, min(report?.completedStatements ?? 0, statements.count))
        return Array(statements.prefix(completed))
    }
}

/// The failure-specific part of a result, before detail-level filtering.
struct Diagnosis {
    var category: ErrorCategory
    var summary: String
    var details: ErrorDetails
    /// For `fix_and_retry`: what to do, and the concrete edit when one follows.
    var fixDescription: String
    var suggestedFix: String?
    /// For `request_capability`: the capability that would allow the blocked action.
    var capability: String?
    var securityViolation: SecurityViolation?
    var retryable = false

    init(category: ErrorCategory, errorType: String, errorMessage: String, fixDescription: String) {
        self.category = category
        details = ErrorDetails(errorType: errorType, errorMessage: errorMessage)
        summary = Summary.line(type: errorType, line: nil, message: errorMessage)
        self.fixDescription = fixDescription
    }

    /// Copies the words of `advice` into the details.
    mutating func apply(_ advice: Advice) {
        details.context = advice.context
        details.suggestions = advice.suggestions
        details.immediateCause = advice.immediateCause
        details.contributingFactors = advice.contributingFactors.isEmpty ? nil : advice.contributingFactors
        if let fix = advice.suggestedFix { suggestedFix = fix }
    }

    /// Location fields from the failing frame of an exception.
    mutating func locate(_ scene: FailureScene) {
        details.lineNumber = scene.lineNumber
        details.columnNumber = scene.frame?.column
        details.endColumnNumber = scene.frame?.endColumn
        details.functionName = scene.functionName
        details.problematicCode = scene.code
        details.localVariables = scene.frame?.locals
        summary = Summary.line(type: details.errorType, line: scene.lineNumber, message: details.errorMessage)
    }

    /// Location fields from a line number alone (timeouts, guesses).
    mutating func locate(line: Int?, source: SourceText) {
        details.lineNumber = line
        details.problematicCode = source.trimmedLine(line)
        summary = Summary.line(type: details.errorType, line: line, message: details.errorMessage)
    }
}

extension Diagnosis {
    static func make(_ verdict: Verdict, _ evidence: Evidence) -> Diagnosis? {
        switch verdict {
        case .success: nil
        case .system(let failure): system(failure)
        case .timeout(let kind): timeout(kind, evidence)
        case .memory: memory(evidence)
        case .seccomp(let number): seccomp(number, evidence)
        case .syntax(let exception): syntax(exception, evidence)
        case .blockedImport(let module, let exception): blockedImport(module, exception, evidence)
        case .importFailure(let exception): importFailure(exception, evidence)
        case .denied(let kind, let exception): denied(kind, exception, evidence)
        case .resource(let kind, let exception): resource(kind, exception, evidence)
        case .exception(let exception): runtime(exception, evidence)
        case .scriptExit(let status): scriptExit(status, evidence)
        case .signal(let signal): killed(signal, evidence)
        case .processExit(let status): processExit(status, evidence)
        }
    }
}
