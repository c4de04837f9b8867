import Testing
import WardenProtocol

@testable import WardenDiagnostics

@Suite("Syntax errors name the mistake")
struct SyntaxErrorTests {
    @Test func assignmentInsteadOfComparison() throws {
        let facts = Fixture.syntaxError(
            code: "x = 5\nif x = 5:\n    print(x)", line: 2, offset: 4, endOffset: 9, text: "if x = 5:",
            msg: "invalid syntax. Maybe you meant '==' or ':=' instead of '='?")
        let result = Diagnostics.result(for: facts)
        #expect(result.errorCategory == .syntaxError)
        #expect(result.executionResult.exitCode == 1)
        let details = try #require(result.errorDetails)
        #expect(details.errorType == "SyntaxError")
        #expect(details.errorMessage == "invalid syntax. Maybe you meant '==' or ':=' instead of '='?")
        #expect(details.lineNumber == 2)
        #expect(details.columnNumber == 4)
        #expect(details.problematicCode == "if x = 5:")
        #expect(details.context == "Assignment operator '=' used instead of comparison '=='")
        #expect(details.suggestions.first == "Use '==' for comparison instead of '='")
        #expect(details.caret == "if x = 5:\n   ^^^^^")
        #expect(result.recoveryOptions?.first?.suggestedFix == "Change 'if x = 5:' to 'if x == 5:' on line 2")
        #expect(result.recoveryOptions?.contains { $0.option == .debugMode } == false)
        #expect(result.partialResults == nil, "nothing ran")
        #expect(result.errorSummary == "SyntaxError on line 2: invalid syntax. Maybe you meant '==' or ':=' instead of '='?")
    }

    @Test func missingColon() {
        let facts = Fixture.syntaxError(code: "for i in range(3)\n    print(i)", line: 1, offset: 18, text: "for i in range(3)", msg: "expected ':'")
        let result = Diagnostics.result(for: facts)
        #expect(result.errorDetails?.context == "Missing colon ':' at the end of the 'for' statement")
        #expect(result.errorDetails?.suggestions.first == "Add ':' at the end of line 1")
        #expect(result.recoveryOptions?.first?.suggestedFix == "Change 'for i in range(3)' to 'for i in range(3):' on line 1")
        #expect(result.errorDetails?.caret == "for i in range(3)\n                 ^")
    }

    @Test func unterminatedString() {
        let facts = Fixture.syntaxError(
            code: "print('hello)", line: 1, offset: 7, text: "print('hello)", msg: "unterminated string literal (detected at line 1)")
        let result = Diagnostics.result(for: facts)
        #expect(result.errorDetails?.context == "String literal opened with ' is never closed on line 1")
    }

    @Test func unclosedBracket() {
        let facts = Fixture.syntaxError(code: "total = sum([1, 2, 3]\nprint(total)", line: 1, offset: 12, text: "total = sum([1, 2, 3]", msg: "'(' was never closed")
        let result = Diagnostics.result(for: facts)
        #expect(result.errorDetails?.context == "Opening bracket '(' on line 1 is never closed")
        #expect(result.errorDetails?.suggestions.first == "Add the matching ')' where the expression ends")
    }

    @Test func indentation() {
        let expected = Fixture.syntaxError(
            code: "if True:\nprint('x')", line: 2, offset: 1, text: "print('x')",
            msg: "expected an indented block after 'if' statement on line 1", type: "IndentationError")
        let result = Diagnostics.result(for: expected)
        #expect(result.errorCategory == .syntaxError)
        #expect(result.errorDetails?.errorType == "IndentationError")
        #expect(result.errorDetails?.context == "The block after 'if' statement on line 1 is not indented on line 2")

        let unexpected = Fixture.syntaxError(
            code: "x = 1\n    y = 2", line: 2, offset: 5, text: "    y = 2", msg: "unexpected indent", type: "IndentationError")
        let second = Diagnostics.result(for: unexpected)
        #expect(second.errorDetails?.context == "Line 2 is indented more than the block it belongs to")
        #expect(second.errorDetails?.caret == "y = 2\n^")
        #expect(second.errorDetails?.problematicCode == "y = 2")

        let unindent = Fixture.syntaxError(
            code: "if x:\n        a = 1\n    b = 2", line: 3, offset: 10, text: "    b = 2",
            msg: "unindent does not match any outer indentation level", type: "IndentationError")
        #expect(Diagnostics.result(for: unindent).errorDetails?.context == "The indentation on line 3 does not match any enclosing block")
    }

    @Test func pythonTwoPrint() {
        let facts = Fixture.syntaxError(
            code: "print \"hello\"", line: 1, offset: 1, endOffset: 14, text: "print \"hello\"",
            msg: "Missing parentheses in call to 'print'. Did you mean print(...)?")
        let result = Diagnostics.result(for: facts)
        #expect(result.errorDetails?.context == "Python 2 'print' statement used; in Python 3 print is a function")
        #expect(result.recoveryOptions?.first?.suggestedFix == "Change 'print \"hello\"' to 'print(\"hello\")' on line 1")
    }

    @Test func comparisonFixLeavesOperatorsAlone() {
        #expect(SyntaxMistakes.comparisonFix("if x == 5:") == nil)
        #expect(SyntaxMistakes.comparisonFix("if x <= 5:") == nil)
        #expect(SyntaxMistakes.comparisonFix("while n = 0:") == "while n == 0:")
        #expect(SyntaxMistakes.comparisonFix("x = 5") == nil)
        #expect(SyntaxMistakes.comparisonFix("if s == '=' or t = 1:") == "if s == '=' or t == 1:")
    }
}
