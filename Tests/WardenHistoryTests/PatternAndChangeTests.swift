import Foundation
import Testing
import WardenProtocol

@testable import WardenHistory

@Suite struct ErrorPatternTests {
    private func pattern(
        _ category: ErrorCategory, _ type: String, _ message: String, configure: (inout ErrorDetails) -> Void = { _ in }
    ) -> String? {
        ErrorPattern.of(Make.failure(Make.accepted(at: 0), category: category, type: type, message: message, configure: configure))
    }

    @Test func wellKnownFailuresHaveNamedPatterns() {
        #expect(pattern(.runtimeError, "NameError", "name 'totl' is not defined") == "NameError with undefined variables")
        #expect(pattern(.runtimeError, "ZeroDivisionError", "division by zero") == "ZeroDivisionError")
        #expect(pattern(.importError, "ModuleNotFoundError", "No module named 'pandas'") == "ModuleNotFoundError: missing module")
        #expect(pattern(.importError, "ImportError", "cannot import name 'foo' from 'os'") == "ImportError: missing name in module")
        #expect(pattern(.runtimeError, "KeyError", "'name'") == "KeyError: missing key")
        #expect(
            pattern(.runtimeError, "AttributeError", "'NoneType' object has no attribute 'group'")
                == "AttributeError: missing attribute on NoneType"
        )
        #expect(pattern(.runtimeError, "AttributeError", "module 'math' has no attribute 'tau2'") == "AttributeError: missing module attribute")
        #expect(pattern(.runtimeError, "ProcessKilled", "The process was killed by signal SIGSEGV") == "process killed by SIGSEGV")
        #expect(pattern(.timeoutError, "ExecutionTimeout", "x") { $0.limitKind = .wall } == "timeout (wall)")
        #expect(pattern(.timeoutError, "ExecutionTimeout", "x") { $0.limitKind = .cpu } == "timeout (cpu)")
        #expect(pattern(.memoryError, "MemoryError", "Memory limit of 100MB exceeded") == "memory limit exceeded")
        #expect(pattern(.resourceError, "BlockingIOError", "x") { $0.resource = "processes" } == "resource limit: processes")
        #expect(pattern(.securityError, "SecurityViolation", "x") { $0.violationType = "network_access" } == "security: network_access")
        #expect(pattern(.systemError, "DaemonRestart", "interrupted by daemon restart") == "system error: interrupted by daemon restart")
        #expect(pattern(.systemError, "SandboxError", "could not clone3: EAGAIN") == "system error: sandbox failure")
    }

    @Test func otherFailuresMaskNamesAndNumbers() {
        #expect(
            pattern(.runtimeError, "ValueError", "invalid literal for int() with base 10: 'abc'")
                == "ValueError: invalid literal for int() with base N: '…'"
        )
        #expect(
            pattern(.runtimeError, "TypeError", "unsupported operand type(s) for +: 'int' and 'str'")
                == "TypeError: unsupported operand type(s) for +: '…' and '…'"
        )
        #expect(pattern(.syntaxError, "SyntaxError", "'(' was never closed") == "SyntaxError: '…' was never closed")
        #expect(pattern(.runtimeError, "IndexError", "list index out of range") == "IndexError: list index out of range")
        #expect(pattern(.runtimeError, "CustomError", "") == "CustomError")
        let long = pattern(.runtimeError, "RuntimeError", String(repeating: "word ", count: 50))!
        #expect(long.count == 100 && long.hasSuffix("…"))
        // The same cause with other names and numbers gives the same pattern.
        #expect(
            pattern(.runtimeError, "ValueError", "too many values to unpack (expected 2)")
                == pattern(.runtimeError, "ValueError", "too many values to unpack (expected 3)")
        )
    }

    @Test func successHasNoPatternAndEveryPatternHasCauses() {
        #expect(ErrorPattern.of(Make.success(Make.accepted(at: 0))) == nil)
        #expect(ErrorPattern.typicalCauses(of: "NameError with undefined variables") == ["Typos", "Scope issues", "Initialization problems"])
        #expect(!ErrorPattern.typicalCauses(of: "SomethingNew: x").isEmpty)
    }
}

@Suite struct CodeChangeTests {
    @Test func aChangedLineIsNamedWithBothVersions() {
        let changes = CodeChange.changes(from: "total = 10\nprint(totl)\n", to: "total = 10\nprint(total)\n")
        #expect(changes == [LineChange(line: 2, before: "print(totl)", after: "print(total)")])
        #expect(CodeChange.describe(changes) == "line 2: `print(totl)` → `print(total)`")
    }

    @Test func additionsRemovalsAndManyChanges() {
        let added = CodeChange.changes(from: "print(x)", to: "x = 1\nprint(x)")
        #expect(added == [LineChange(line: 1, before: nil, after: "x = 1")])
        #expect(CodeChange.describe(added) == "line 1 added: `x = 1`")
        let removed = CodeChange.changes(from: "import os\nprint(1)", to: "print(1)")
        #expect(CodeChange.describe(removed) == "line 1 removed: `import os`")
        let many = CodeChange.changes(from: "a = 1\nb = 2\nc = 3\nd = 4\ne = 5", to: "a = 10\nb = 2\nc = 30\nd = 4\ne = 50\nf = 6")
        #expect(many.count == 4)
        #expect(CodeChange.describe(many) == "line 1: `a = 1` → `a = 10`; line 3: `c = 3` → `c = 30`; line 5: `e = 5` → `e = 50`; and 1 more change")
        #expect(CodeChange.describe([]) == "no change to the code")
        // Trailing blanks are not changes.
        #expect(CodeChange.changes(from: "x = 1   \n", to: "x = 1\n").isEmpty)
    }

    @Test func largeScriptsAreComparedWithoutQuadraticBlowUp() {
        let before = (0..<5000).map { "line_\($0) = \($0)" }.joined(separator: "\n")
        let after = (0..<5000).map { "line_\($0) = \($0 + 1)" }.joined(separator: "\n")
        let start = ContinuousClock.now
        let changes = CodeChange.changes(from: before, to: after)
        #expect(changes.count == 5000)
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func theLearningIsTheSuggestionTheFixFollowed() {
        let changes = CodeChange.changes(from: "print(totl)", to: "print(total)")
        #expect(
            CodeChange.learning(suggestions: ["Check the spelling", "Did you mean 'total'?"], changes: changes)
                == "Did you mean 'total'?"
        )
        #expect(CodeChange.learning(suggestions: ["Did you mean 'count'?"], changes: changes) == nil)
        // A proposed line that the fix contains verbatim.
        let fix = "Fix the name and run again: `print(total)`"
        #expect(CodeChange.learning(suggestions: ["Don't panic", fix], changes: changes) == fix)
        // A name that was already there before is not what the fix introduced.
        let same = CodeChange.changes(from: "total = 1\nprint(totl + total)", to: "total = 1\nprint(total)")
        #expect(CodeChange.learning(suggestions: ["Did you mean 'total'?"], changes: same) == nil)
    }
}

@Suite struct QueryParserTests {
    let now = Date(timeIntervalSince1970: 1_760_000_000)

    private func refusal(_ query: String, _ endpoint: HistoryQueryParser.Endpoint = .executions) -> RequestError? {
        do {
            _ = try HistoryQueryParser.parse(query, for: endpoint, now: now)
            return nil
        } catch {
            return error
        }
    }

    @Test func everyParameterIsParsed() throws {
        let cursor = HistoryCursor(afterID: "exec_01K7ABCDEF0123456789ABCDEF")
        let query = try HistoryQueryParser.parse(
            "status=failed&category=runtime_error&error_type=NameError&client=ray%20bot&uid=1000"
                + "&since=2025-01-28T10:30:00Z&until=2025-01-29&q=read_csv+pandas&limit=20&cursor=\(cursor.token)",
            for: .executions, now: now
        )
        #expect(query.status == .failed)
        #expect(query.category == .runtimeError)
        #expect(query.errorType == "NameError")
        #expect(query.client == "ray bot")
        #expect(query.uid == 1000)
        #expect(query.since == HistoryTime.parse("2025-01-28T10:30:00.000Z"))
        #expect(query.until == HistoryTime.parse("2025-01-29T00:00:00Z"))
        #expect(query.text == "read_csv pandas")
        #expect(query.limit == 20)
        #expect(query.cursor == cursor)
        #expect(try HistoryQueryParser.parse("", for: .executions, now: now) == HistoryQuery())
        #expect(try HistoryQueryParser.parse("since=24h", for: .commonErrors, now: now).since == now.addingTimeInterval(-86400))
        #expect(try HistoryQueryParser.parse("", for: .commonErrors, now: now).limit == 10)
        #expect(HistoryTime.parse("2025-01-28T12:30:00+02:00") == HistoryTime.parse("2025-01-28T10:30:00Z"))
        #expect(
            try HistoryQueryParser.parse("since=2025-01-28T12:30:00+02:00", for: .executions, now: now).since
                == HistoryTime.parse("2025-01-28T10:30:00Z")
        )
    }

    @Test func badParametersAreNamed() {
        #expect(refusal("stauts=failed")?.field == "stauts")
        #expect(refusal("status=broken")?.field == "status")
        #expect(refusal("category=oops")?.field == "category")
        #expect(refusal("uid=-1")?.field == "uid")
        #expect(refusal("since=yesterday")?.field == "since")
        #expect(refusal("until=2025-13-45")?.field == "until")
        #expect(refusal("limit=0")?.field == "limit")
        #expect(refusal("limit=201")?.field == "limit")
        #expect(refusal("limit=101", .commonErrors)?.field == "limit")
        #expect(refusal("cursor=nonsense")?.field == "cursor")
        #expect(refusal("q=%2B%2B%2B")?.field == "q")
        #expect(refusal("limit=5&limit=6")?.field == "limit")
        #expect(refusal("client=")?.field == "client")
        #expect(refusal("status=failed", .errors)?.field == "status")
        #expect(refusal("q=x", .commonErrors)?.field == "q")
        #expect(refusal("since=2025-02-01&until=2025-01-01")?.field == "since")
        #expect(refusal("error_type=Name%20Error")?.field == "error_type")
        #expect(refusal("resolved=yes", .errors)?.field == "resolved")
        #expect(refusal("resolved=true", .executions)?.field == "resolved")
        #expect((try? HistoryQueryParser.parse("resolved=false", for: .errors, now: now))?.resolved == false)
    }

    @Test func cursorsRoundTripAndRefuseForgeries() {
        let cursor = HistoryCursor(afterID: "exec_01K7ABCDEF0123456789ABCDEF")
        #expect(HistoryCursor(token: cursor.token) == cursor)
        #expect(HistoryCursor(token: "c1" + Data("not-an-id".utf8).base64EncodedString()) == nil)
        #expect(HistoryCursor(token: "zzz") == nil)
    }
}

@Suite struct HistoryTimeTests {
    @Test func formatsLikeISO8601DateFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for milliseconds: Int64 in [0, 1, 999, 86_399_999, 951_782_400_000, 1_760_000_000_123, 4_102_444_799_999, -1, -86_400_001] {
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            #expect(HistoryTime.string(milliseconds: milliseconds) == formatter.string(from: date), "\(milliseconds)")
        }
        #expect(HistoryTime.string(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
    }
}
