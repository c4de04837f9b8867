import Foundation
import Testing
import WardenProtocol

@testable import WardenDiagnostics

@Suite("Result shape: detail levels, partial results, summaries, formatting")
struct ResultShapeTests {
    /// The NameError fixture inside a function, with frame locals and globals.
    private func nestedFailure(detail: DetailLevel, trace: Bool = false) -> ExecutionFacts {
        let code = "total = 10\ndef show(n):\n    print(totl + n)\nshow(1)"
        let frames = [
            Fixture.frame(4, "show(1)", column: 1, endColumn: 8, locals: ["total": .int(10)]),
            Fixture.frame(3, "print(totl + n)", column: 11, endColumn: 15, function: "show", locals: ["n": .int(1)]),
        ]
        let exception = HarnessException(
            type: "NameError", qualifiedType: "NameError", message: "name 'totl' is not defined", frames: frames,
            fullTraceback: "", name: "totl", namesInScope: ["n", "total", "show", "print"])
        var report = Fixture.exceptionReport(
            exception, variables: ["total": .int(10), "show": .string("<function show>")], total: 3, completed: 2,
            statementLines: [[1, 1], [2, 3], [4, 4]])
        report.executionPath = ["line 1", "line 2", "line 4", "line 3 (failed)"]
        return Fixture.facts(code: code, detail: detail, trace: trace, stdout: "start\n", observation: Fixture.exited(1), report: report)
    }

    @Test func standardDetail() throws {
        let result = Diagnostics.result(for: nestedFailure(detail: .standard))
        let info = try #require(result.executionResult.exceptionInfo)
        #expect(info.traceback.allSatisfy { $0.localVars == nil })
        #expect(info.localVariables == ["n": .int(1)])
        #expect(info.globalVariables == nil)
        #expect(result.sandbox == nil)
        #expect(result.errorDetails?.localVariables == ["n": .int(1)])
        #expect(result.errorDetails?.functionName == "show")
        #expect(result.errorDetails?.suggestions.first == "Did you mean 'total'?")
        #expect(result.partialResults != nil)
        #expect(result.recoveryOptions?.isEmpty == false)
        #expect(result.recoveryOptions?.contains { $0.option == .debugMode } == true)
    }

    @Test func fullDetail() throws {
        let result = Diagnostics.result(for: nestedFailure(detail: .full))
        let info = try #require(result.executionResult.exceptionInfo)
        #expect(info.traceback[1].localVars == ["n": .int(1)])
        #expect(info.globalVariables?["total"] == .int(10))
        #expect(result.sandbox?.layers == ["seccomp", "namespaces"])
    }

    @Test func summaryDetail() throws {
        let result = Diagnostics.result(for: nestedFailure(detail: .summary))
        #expect(!result.success)
        #expect(result.errorCategory == .runtimeError)
        #expect(result.errorSummary == "NameError on line 3: name 'totl' is not defined")
        let details = try #require(result.errorDetails)
        #expect(details == {
            var kept = ErrorDetails(errorType: "NameError", errorMessage: "name 'totl' is not defined")
            kept.lineNumber = 3
            kept.columnNumber = 11
            return kept
        }())
        #expect(result.partialResults == nil)
        #expect(result.recoveryOptions == nil)
        #expect(result.sandbox == nil)
        #expect(result.executionResult.exceptionInfo?.localVariables == nil)
        #expect(result.executionResult.exceptionInfo?.traceback.allSatisfy { $0.localVars == nil } == true)
    }

    @Test func partialResultsAndExecutionContext() throws {
        let result = Diagnostics.result(for: nestedFailure(detail: .standard))
        let partial = try #require(result.partialResults)
        #expect(partial.completedLines == 2)
        #expect(partial.totalLines == 3)
        #expect(partial.stdoutBeforeError == "start\n")
        #expect(partial.variablesBeforeError["total"] == .int(10))
        #expect(partial.successfulOperations == ["line 1: total = 10", "line 2: def show(n):"])
        #expect(result.errorDetails?.executionContext?.lastSuccessfulLine == 3)
        #expect(result.errorDetails?.executionContext?.executionPath == nil, "not traced")
        let snippet = result.recoveryOptions?.first { $0.option == .partialExecution }?.codeSnippet
        #expect(snippet == "# The 2 statements that completed:\ntotal = 10\ndef show(n):\n    print(totl + n)")
    }

    @Test func tracedRunKeepsThePathAndSkipsDebugMode() {
        let result = Diagnostics.result(for: nestedFailure(detail: .standard, trace: true))
        #expect(result.errorDetails?.executionContext?.executionPath == ["line 1", "line 2", "line 4", "line 3 (failed)"])
        #expect(result.recoveryOptions?.contains { $0.option == .debugMode } == false)
    }

    @Test func hostileStatementLinesAreBounded() {
        var facts = nestedFailure(detail: .standard)
        facts.report?.statementLines = [[0, 5], [3, 1], [1], [900, 901]]
        facts.report?.completedStatements = 99
        let result = Diagnostics.result(for: facts)
        #expect(result.partialResults?.successfulOperations == ["line 900"])
        #expect(result.partialResults?.completedLines == 3)
    }

    @Test func summariesStayUnderOneHundredCharacters() throws {
        var facts = Fixture.nameError()
        let long = String(repeating: "x", count: 300)
        facts.report?.exception?.type = "ValueError"
        facts.report?.exception?.message = "invalid literal for int() with base 10: '\(long)'"
        let result = Diagnostics.result(for: facts)
        let summary = try #require(result.errorSummary)
        #expect(summary.count < 100)
        #expect(summary.hasPrefix("ValueError on line 3: invalid literal for int()"))
        #expect(summary.hasSuffix("…"))

        let system = Diagnostics.result(for: Fixture.facts(code: "x", systemFailure: String(repeating: "y", count: 500)))
        #expect((system.errorSummary?.count ?? 100) < 100)
    }

    @Test func memoryFormatting() {
        #expect(MemoryFormat.string(0) == "0B")
        #expect(MemoryFormat.string(512) == "512B")
        #expect(MemoryFormat.string(2048) == "2KB")
        #expect(MemoryFormat.string(1536) == "1.5KB")
        #expect(MemoryFormat.string(2_621_440) == "2.5MB")
        #expect(MemoryFormat.string(104_857_600) == "100MB")
        #expect(MemoryFormat.string(1_073_741_824) == "1GB")
        #expect(MemoryFormat.seconds(30) == "30")
        #expect(MemoryFormat.seconds(2.5) == "2.5")
        #expect(MemoryFormat.seconds(0.05) == "0.05")
    }

    @Test func editDistance() {
        #expect(EditDistance.distance("totl", "total") == 1)
        #expect(EditDistance.distance("ab", "ba") == 1)
        #expect(EditDistance.distance("kitten", "sitting") == 3)
        #expect(EditDistance.nearest(to: "totl", in: ["total", "tuple", "count"]) == ["total"])
        #expect(EditDistance.nearest(to: "x", in: ["y", "xy", "abc"]) == ["xy", "y"])
        #expect(EditDistance.nearest(to: "Total", in: ["total", "totals"]).first == "total")
        #expect(EditDistance.nearest(to: "zzzz", in: ["total"]).isEmpty)
    }

    @Test func reprParsing() {
        #expect(ReprParsing.length(of: .string("[1, [2, 3], 'a, b']")) == 3)
        #expect(ReprParsing.length(of: .string("[1, 2, 3, 4…")) == nil)
        #expect(ReprParsing.length(of: .string("[]")) == 0)
        #expect(ReprParsing.dictKeys(of: .string("{'a': 1, 'b': {'c': 2}, 3: 'x'}")) == ["'a'", "'b'", "3"])
        #expect(ReprParsing.dictKeys(of: .string("{1, 2}")) == nil)
        #expect(ReprParsing.dictKeys(of: .string("{'a': 1, 'b': 2, 'c…")) == ["'a'", "'b'"])
    }

    @Test func encodesSeedShape() throws {
        let result = Diagnostics.result(for: Fixture.nameError())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(result)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["error_category"] as? String == "runtime_error")
        #expect(json["success"] as? Bool == false)
        let details = try #require(json["error_details"] as? [String: Any])
        #expect(details["line_number"] as? Int == 3)
        #expect(details["column_number"] as? Int == 7)
        let output = try #require(json["execution_result"] as? [String: Any])
        #expect(output["memory_used"] as? String == "9MB")
        #expect(output["exit_code"] as? Int == 1)
    }
}
