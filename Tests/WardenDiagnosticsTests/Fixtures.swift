import WardenProtocol

@testable import WardenDiagnostics

/// Facts shaped like what the supervisor collects for a real CPython 3.11 run.
enum Fixture {
    static let limits = ExecutionLimits(
        timeoutSeconds: 30, memoryMB: 100, cpuSeconds: 30, maxOutputBytes: 1_048_576, maxProcesses: 1,
        maxFileBytes: 10_485_760, maxOpenFiles: 64)

    static let strictModules = ["bisect", "collections", "datetime", "json", "math", "random", "re", "statistics"]

    static func facts(
        code: String, detail: DetailLevel = .standard, trace: Bool = false, stdout: String = "",
        observation: ProcessObservation = exited(0), report: HarnessReport? = nil,
        files: [String: String] = [:], systemFailure: String? = nil
    ) -> ExecutionFacts {
        ExecutionFacts(
            executionId: "exec_test", timestamp: "2025-01-28T10:30:00Z",
            request: ExecutionRequest(code: code, files: files, detail: detail, trace: trace, client: "ray"),
            assignedBy: "ray", limits: limits, stdout: stdout, observation: observation, report: report,
            availableModules: strictModules, availableCapabilities: [], sandbox: SandboxReport(layers: ["seccomp", "namespaces"]),
            systemFailure: systemFailure)
    }

    static func exited(_ status: Int, wall: Double = 0.05, cpu: Double = 0.04, peak: Int = 9_437_184) -> ProcessObservation {
        ProcessObservation(exitStatus: status, wallSeconds: wall, cpuSeconds: cpu, peakMemoryBytes: peak)
    }

    static func signalled(_ signal: Int32, wall: Double = 0.05, cpu: Double = 0.04, peak: Int = 9_437_184) -> ProcessObservation {
        ProcessObservation(signal: signal, wallSeconds: wall, cpuSeconds: cpu, peakMemoryBytes: peak)
    }

    /// One `[n, n]` entry per line for `count` one-line statements.
    static func oneLineStatements(_ count: Int) -> [[Int]] {
        (1...max(count, 1)).prefix(count).map { [$0, $0] }
    }

    static func exceptionReport(
        _ exception: HarnessException, variables: [String: JSONValue] = [:], total: Int, completed: Int,
        statementLines: [[Int]]? = nil
    ) -> HarnessReport {
        HarnessReport(
            status: .exception, variables: variables, totalStatements: total, completedStatements: completed,
            statementLines: statementLines ?? oneLineStatements(total), exception: exception)
    }

    static func frame(
        _ line: Int, _ code: String, column: Int? = nil, endColumn: Int? = nil, function: String = "<module>",
        locals: [String: JSONValue]? = nil
    ) -> HarnessFrame {
        HarnessFrame(
            filename: "<string>", lineNumber: line, endLineNumber: line, column: column, endColumn: endColumn,
            functionName: function, codeLine: code, locals: locals)
    }

    static func traceback(_ frames: [HarnessFrame], _ last: String) -> String {
        var text = "Traceback (most recent call last):\n"
        for frame in frames {
            text += "  File \"\(frame.filename)\", line \(frame.lineNumber), in \(frame.functionName)\n    \(frame.codeLine ?? "")\n"
        }
        return text + last + "\n"
    }

    /// `total = 10`, `count = 2`, `print(totl)`: NameError on line 3.
    static func nameError() -> ExecutionFacts {
        let code = "total = 10\ncount = 2\nprint(totl)\n"
        let frames = [frame(3, "print(totl)", column: 7, endColumn: 11)]
        let exception = HarnessException(
            type: "NameError", qualifiedType: "NameError", message: "name 'totl' is not defined", frames: frames,
            fullTraceback: traceback(frames, "NameError: name 'totl' is not defined"), name: "totl",
            namesInScope: ["total", "count", "print", "len", "range", "tuple", "__name__"])
        let report = exceptionReport(exception, variables: ["total": .int(10), "count": .int(2)], total: 3, completed: 2)
        return facts(code: code, observation: exited(1), report: report)
    }

    static func syntaxError(code: String, line: Int, offset: Int, endOffset: Int? = nil, text: String, msg: String, type: String = "SyntaxError") -> ExecutionFacts {
        let syntax = SyntaxFacts(lineNumber: line, offset: offset, endLineNumber: line, endOffset: endOffset, text: text + "\n", msg: msg)
        let exception = HarnessException(
            type: type, qualifiedType: type, message: "\(msg) (<string>, line \(line))", frames: [],
            fullTraceback: "  File \"<string>\", line \(line)\n    \(text)\n\(type): \(msg)\n", syntax: syntax)
        let report = HarnessReport(status: .syntaxError, exception: exception)
        return facts(code: code, observation: exited(1), report: report)
    }
}
