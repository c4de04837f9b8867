import Testing
import WardenProtocol

@testable import WardenDiagnostics

@Suite("Runtime errors: context and specific suggestions")
struct RuntimeErrorTests {
    @Test func nameErrorProposesTheNearestName() throws {
        let result = Diagnostics.result(for: Fixture.nameError())
        #expect(result.errorCategory == .runtimeError)
        #expect(result.errorSummary == "NameError on line 3: name 'totl' is not defined")
        let details = try #require(result.errorDetails)
        #expect(details.errorType == "NameError")
        #expect(details.lineNumber == 3)
        #expect(details.columnNumber == 7)
        #expect(details.endColumnNumber == 11)
        #expect(details.functionName == "<module>")
        #expect(details.problematicCode == "print(totl)")
        #expect(details.context == "Variable 'totl' was referenced but never defined")
        #expect(details.suggestions.first == "Did you mean 'total'?")
        #expect(details.suggestions.contains("Check if the variable name is spelled correctly"))
        #expect(details.executionContext?.variablesInScope == ["count", "total"])
        #expect(details.executionContext?.lastSuccessfulLine == 2)
        #expect(details.executionContext?.executionPath == nil)
        let fix = try #require(result.recoveryOptions?.first)
        #expect(fix.option == .fixAndRetry)
        #expect(fix.suggestedFix == "Change 'totl' to 'total' on line 3")
    }

    @Test func exceptionInfoMirrorsTheReport() throws {
        let result = Diagnostics.result(for: Fixture.nameError())
        let info = try #require(result.executionResult.exceptionInfo)
        #expect(info.type == "NameError")
        #expect(info.qualifiedType == "NameError")
        #expect(info.traceback.count == 1)
        #expect(info.traceback[0].lineNumber == 3)
        #expect(info.traceback[0].codeLine == "print(totl)")
        #expect(info.fullTraceback.hasSuffix("NameError: name 'totl' is not defined\n"))
        #expect(info.suggestions?.first == "Did you mean 'total'?")
        #expect(info.context == result.errorDetails?.context)
        #expect(result.executionResult.exitCode == 1)
        #expect(result.executionResult.variables == ["total": .int(10), "count": .int(2)])
    }

    @Test func nameErrorWithoutCloseMatchFallsBackToGenericAdvice() {
        var facts = Fixture.nameError()
        facts.report?.exception?.name = "undefined_variable"
        facts.report?.exception?.message = "name 'undefined_variable' is not defined"
        let result = Diagnostics.result(for: facts)
        #expect(result.errorDetails?.context == "Variable 'undefined_variable' was referenced but never defined")
        #expect(result.errorDetails?.suggestions.first == "Check if the variable name is spelled correctly")
        #expect(result.recoveryOptions?.first?.suggestedFix == nil)
    }

    @Test func unboundLocal() {
        let code = "count = 0\ndef bump():\n    count += 1\nbump()"
        let frames = [
            Fixture.frame(4, "bump()", column: 1, endColumn: 7),
            Fixture.frame(3, "count += 1", column: 5, endColumn: 10, function: "bump", locals: [:]),
        ]
        let exception = HarnessException(
            type: "UnboundLocalError", qualifiedType: "UnboundLocalError",
            message: "cannot access local variable 'count' where it is not associated with a value", frames: frames,
            fullTraceback: "", name: "count", namesInScope: ["count", "bump"])
        let report = Fixture.exceptionReport(exception, variables: ["count": .int(0)], total: 3, completed: 2, statementLines: [[1, 1], [2, 3], [4, 4]])
        let result = Diagnostics.result(for: Fixture.facts(code: code, observation: Fixture.exited(1), report: report))
        #expect(result.errorDetails?.lineNumber == 3)
        #expect(result.errorDetails?.functionName == "bump")
        #expect(result.errorDetails?.context == "Local variable 'count' was used on line 3 in function 'bump' before it was assigned")
        #expect(result.errorDetails?.suggestions.contains("Declare 'global count' (or 'nonlocal count') if you meant the outer variable") == true)
    }

    @Test func zeroDivisionNamesTheZeroVariable() {
        let code = "def calculate_average(numbers):\n    total = sum(numbers)\n    count = 0\n    return total / count\n\nprint(calculate_average([10, 20, 30, 40]))"
        let locals: [String: JSONValue] = ["total": .int(100), "count": .int(0), "numbers": .string("[10, 20, 30, 40]")]
        let frames = [
            Fixture.frame(6, "print(calculate_average([10, 20, 30, 40]))", column: 7, endColumn: 42),
            Fixture.frame(4, "return total / count", column: 12, endColumn: 25, function: "calculate_average", locals: locals),
        ]
        let exception = HarnessException(
            type: "ZeroDivisionError", qualifiedType: "ZeroDivisionError", message: "division by zero", frames: frames,
            fullTraceback: Fixture.traceback(frames, "ZeroDivisionError: division by zero"))
        let report = Fixture.exceptionReport(exception, total: 2, completed: 1, statementLines: [[1, 4], [6, 6]])
        let result = Diagnostics.result(for: Fixture.facts(code: code, observation: Fixture.exited(1), report: report))
        let details = result.errorDetails
        #expect(details?.lineNumber == 4)
        #expect(details?.functionName == "calculate_average")
        #expect(details?.localVariables == locals)
        #expect(details?.context == "Division by zero on line 4 in function 'calculate_average': 'count' is 0")
        #expect(details?.suggestions.first == "'count' is 0: check it before dividing")
        #expect(details?.suggestions.contains("Check if denominator is zero before division") == true)
        #expect(result.partialResults?.successfulOperations == ["line 1: def calculate_average(numbers):"])
        let snippet = result.recoveryOptions?.first { $0.option == .partialExecution }?.codeSnippet
        #expect(snippet == "# The statement that completed:\ndef calculate_average(numbers):\n    total = sum(numbers)\n    count = 0\n    return total / count")
    }

    @Test func keyErrorListsTheKeys() {
        let code = "person = {'name': 'Ada', 'age': 36}\nprint(person['agee'])"
        let frames = [Fixture.frame(2, "print(person['agee'])", column: 7, endColumn: 21)]
        let exception = HarnessException(
            type: "KeyError", qualifiedType: "KeyError", message: "'agee'", frames: frames,
            fullTraceback: Fixture.traceback(frames, "KeyError: 'agee'"), key: "'agee'")
        let report = Fixture.exceptionReport(exception, variables: ["person": .string("{'name': 'Ada', 'age': 36}")], total: 2, completed: 1)
        let result = Diagnostics.result(for: Fixture.facts(code: code, observation: Fixture.exited(1), report: report))
        #expect(result.errorDetails?.context == "Key 'agee' is not in the dictionary 'person'")
        #expect(result.errorDetails?.suggestions.first == "Did you mean 'age'?")
        #expect(result.errorDetails?.suggestions.contains("Use one of the existing keys: 'name', 'age'") == true)
        #expect(result.recoveryOptions?.first?.suggestedFix == "Change 'agee' to 'age' on line 2")
    }

    @Test func indexErrorGivesTheLength() {
        let code = "items = [1, 2, 3]\nprint(items[5])"
        let frames = [Fixture.frame(2, "print(items[5])", column: 7, endColumn: 15)]
        let exception = HarnessException(
            type: "IndexError", qualifiedType: "IndexError", message: "list index out of range", frames: frames,
            fullTraceback: "")
        let report = Fixture.exceptionReport(exception, variables: ["items": .string("[1, 2, 3]")], total: 2, completed: 1)
        let result = Diagnostics.result(for: Fixture.facts(code: code, observation: Fixture.exited(1), report: report))
        #expect(result.errorDetails?.context == "Index 5 is out of range for 'items', which has 3 elements")
        #expect(result.errorDetails?.suggestions.first == "'items' has 3 elements: use an index from 0 to 2 (or -3 to -1)")
    }

    @Test func attributeErrorProposesAnAttribute() {
        let code = "xs = []\nxs.appendd(1)"
        let frames = [Fixture.frame(2, "xs.appendd(1)", column: 1, endColumn: 11)]
        let exception = HarnessException(
            type: "AttributeError", qualifiedType: "AttributeError", message: "'list' object has no attribute 'appendd'",
            frames: frames, fullTraceback: "", name: "appendd", objectType: "list",
            objectAttributes: ["append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse", "sort"])
        let report = Fixture.exceptionReport(exception, variables: ["xs": .string("[]")], total: 2, completed: 1)
        let result = Diagnostics.result(for: Fixture.facts(code: code, observation: Fixture.exited(1), report: report))
        #expect(result.errorDetails?.context == "Object of type 'list' has no attribute 'appendd'")
        #expect(result.errorDetails?.suggestions.first == "Did you mean 'append'?")
        #expect(result.recoveryOptions?.first?.suggestedFix == "Change 'appendd' to 'append' on line 2")
    }

    @Test func typeErrorNamesTheTypes() {
        let frames = [Fixture.frame(2, "print(n + ' apples')", column: 7, endColumn: 20)]
        let exception = HarnessException(
            type: "TypeError", qualifiedType: "TypeError", message: "unsupported operand type(s) for +: 'int' and 'str'",
            frames: frames, fullTraceback: "")
        let report = Fixture.exceptionReport(exception, variables: ["n": .int(3)], total: 2, completed: 1)
        let result = Diagnostics.result(for: Fixture.facts(code: "n = 3\nprint(n + ' apples')", observation: Fixture.exited(1), report: report))
        #expect(result.errorDetails?.context == "Operator '+' on line 2 cannot combine an 'int' and a 'str'")
        #expect(result.errorDetails?.suggestions.first?.contains("str(...)") == true)
    }

    @Test func recursionErrorCountsTheDepth() {
        var frames = [Fixture.frame(3, "fact(5)", column: 1, endColumn: 8)]
        for _ in 0..<40 { frames.append(Fixture.frame(2, "return n * fact(n - 1)", column: 16, endColumn: 27, function: "fact")) }
        let exception = HarnessException(
            type: "RecursionError", qualifiedType: "RecursionError", message: "maximum recursion depth exceeded",
            frames: frames, fullTraceback: "")
        let report = Fixture.exceptionReport(exception, total: 2, completed: 1, statementLines: [[1, 2], [3, 3]])
        let result = Diagnostics.result(for: Fixture.facts(code: "def fact(n):\n    return n * fact(n - 1)\nfact(5)", observation: Fixture.exited(1), report: report))
        #expect(result.errorDetails?.context == "Function 'fact' called itself until the call stack was 41 calls deep, without reaching a base case")
        #expect(result.errorDetails?.suggestions.first == "Add or fix the base case of 'fact' so the recursion stops")
    }

    @Test func fileNotFoundProposesARequestFile() {
        let frames = [Fixture.frame(1, "open('data.cvs')", column: 1, endColumn: 17)]
        let exception = HarnessException(
            type: "FileNotFoundError", qualifiedType: "FileNotFoundError",
            message: "[Errno 2] No such file or directory: 'data.cvs'", frames: frames, fullTraceback: "",
            errnoName: "ENOENT", filename: "data.cvs")
        let report = Fixture.exceptionReport(exception, total: 1, completed: 0)
        let result = Diagnostics.result(
            for: Fixture.facts(code: "open('data.cvs')", observation: Fixture.exited(1), report: report, files: ["data.csv": "a,b\n"]))
        #expect(result.errorCategory == .runtimeError)
        #expect(result.errorDetails?.suggestions.first == "Did you mean 'data.csv'?")
    }

    @Test func chainedExceptionsAreContributingFactors() {
        let frames = [Fixture.frame(4, "raise ValueError('bad config') from e", column: 5, endColumn: 42)]
        let exception = HarnessException(
            type: "ValueError", qualifiedType: "ValueError", message: "bad config", frames: frames, fullTraceback: "",
            chain: [ChainedException(type: "KeyError", message: "'port'", relation: "cause", lineNumber: 2)])
        let report = Fixture.exceptionReport(exception, total: 1, completed: 0, statementLines: [[1, 4]])
        let result = Diagnostics.result(for: Fixture.facts(code: "try:\n    c['port']\nexcept KeyError as e:\n    raise ValueError('bad config') from e", observation: Fixture.exited(1), report: report))
        #expect(result.errorDetails?.contributingFactors?.contains("Caused by KeyError: 'port' (line 2)") == true)
    }
}
