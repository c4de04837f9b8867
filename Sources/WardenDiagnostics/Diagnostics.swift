import WardenProtocol

/// Turns the facts of one finished execution into the result a client reads (SPEC §3,
/// seed 001). Pure: no I/O, no clock, no randomness; the same facts give the same result.
///
/// Ground truth comes from the kernel (`ProcessObservation`); the harness report is hostile
/// input, believed only where the kernel's facts agree with it (`Verdict.trustedReport`).
public enum Diagnostics {
    /// The result for `facts`, shaped by the request's detail level.
    ///
    /// - A run succeeds only when no failure category applies: the process exited with status
    ///   0 and was not stopped by a limit or a signal. An exit status of 0 without a valid
    ///   report (a script that ends itself with `os._exit(0)`) is a success with no variables.
    /// - `retryable` is true only for `system_error`.
    public static func result(for facts: ExecutionFacts) -> ExecutionResult {
        let report = Verdict.trustedReport(facts).map(ReportValues.sanitize)
        let verdict = Verdict.decide(facts, report: report)
        let evidence = Evidence(facts: facts, report: report)
        let diagnosis = Diagnosis.make(verdict, evidence)

        var output = output(evidence, success: diagnosis == nil)
        if let exception = report?.exception {
            output.exceptionInfo = exceptionInfo(exception, evidence, diagnosis)
        }
        var result = ExecutionResult(
            executionId: facts.executionId, success: diagnosis == nil, timestamp: facts.timestamp,
            assignedBy: facts.assignedBy, executionResult: output, limits: facts.limits, sandbox: facts.sandbox)
        if let diagnosis {
            var details = diagnosis.details
            if report != nil { details.executionContext = executionContext(evidence) }
            result.errorCategory = diagnosis.category
            result.errorSummary = diagnosis.summary
            result.errorDetails = details
            result.securityViolation = diagnosis.securityViolation
            result.retryable = diagnosis.retryable
            if diagnosis.category != .systemError {
                result.partialResults = PartialResultsBuilder.build(evidence)
            }
            result.recoveryOptions = RecoveryOptions.build(diagnosis, evidence)
        }
        return DetailFilter.apply(facts.request.detail, to: result)
    }

    /// `execution_result` before exception details.
    private static func output(_ evidence: Evidence, success: Bool) -> ExecutionOutput {
        let facts = evidence.facts
        let observation = facts.observation
        let report = evidence.report
        return ExecutionOutput(
            stdout: facts.stdout, stderr: facts.stderr, stdoutTruncated: facts.stdoutTruncated,
            stderrTruncated: facts.stderrTruncated,
            returnValue: success ? report?.returnValue : nil,
            variables: report?.variables ?? [:],
            executionTime: observation.wallSeconds, cpuTime: observation.cpuSeconds,
            memoryUsed: MemoryFormat.string(observation.peakMemoryBytes),
            memoryUsedBytes: observation.peakMemoryBytes,
            exitCode: observation.signal == nil ? observation.exitStatus : nil,
            signal: observation.signal.map(SignalNames.name),
            warnings: report?.warnings ?? [])
    }

    /// `exception_info`, all frames with their locals (filtered later by detail level).
    private static func exceptionInfo(
        _ exception: HarnessException, _ evidence: Evidence, _ diagnosis: Diagnosis?
    ) -> ExceptionInfo {
        let frames = exception.frames.map { frame in
            TracebackFrame(
                filename: frame.filename, lineNumber: frame.lineNumber, endLineNumber: frame.endLineNumber,
                columnNumber: frame.column, endColumnNumber: frame.endColumn, functionName: frame.functionName,
                codeLine: frame.codeLine, localVars: frame.locals)
        }
        return ExceptionInfo(
            type: exception.type, qualifiedType: exception.qualifiedType, message: exception.message,
            traceback: frames, fullTraceback: exception.fullTraceback,
            localVariables: evidence.scene?.frame?.locals, globalVariables: evidence.report?.variables,
            context: diagnosis?.details.context, suggestions: diagnosis?.details.suggestions)
    }

    /// `execution_context`: names in scope, the last completed statement, the traced path.
    private static func executionContext(_ evidence: Evidence) -> ExecutionContext {
        let report = evidence.report
        return ExecutionContext(
            variablesInScope: (report?.variables ?? [:]).keys.sorted(),
            lastSuccessfulLine: evidence.completedStatements.last?.last,
            executionPath: evidence.facts.request.trace ? report?.executionPath : nil)
    }
}
