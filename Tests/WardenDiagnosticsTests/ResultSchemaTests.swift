import Foundation
import Testing
import WardenProtocol

@testable import WardenDiagnostics

/// Every way a run can end, at every detail level, encodes to a result that matches
/// `docs/result.schema.json` (the validator is shared with the integration tests through a
/// symlink: SchemaValidator.swift).
@Suite("Results match docs/result.schema.json")
struct ResultSchemaTests {
    static func exception(
        _ type: String, _ message: String, line: Int = 2, code: String = "x()", errno: String? = nil,
        chain: [ChainedException]? = nil, members: [ChainedException]? = nil, blocked: String? = nil
    ) -> HarnessException {
        let frames = [
            Fixture.frame(line, code, column: 1, endColumn: 4, locals: ["a": .int(1), "s": .string("text"), "f": .double(0.5), "n": .null, "b": .bool(true)])
        ]
        return HarnessException(
            type: type, qualifiedType: type, message: message, frames: frames,
            fullTraceback: Fixture.traceback(frames, "\(type): \(message)"), name: blocked, namesInScope: ["x", "print"],
            chain: chain, groupMembers: members, blockedImport: blocked, errnoName: errno, filename: errno == nil ? nil : "/etc/passwd")
    }

    static func failing(_ exception: HarnessException, stdout: String = "") -> ExecutionFacts {
        let report = Fixture.exceptionReport(exception, variables: ["x": .string("<function x>"), "y": .int(2)], total: 2, completed: 1)
        return Fixture.facts(code: "y = 2\nx()\n", stdout: stdout, observation: Fixture.exited(1), report: report)
    }

    static let cases: [(String, ExecutionFacts)] = {
        var cases: [(String, ExecutionFacts)] = [
            ("success", Fixture.facts(code: "1 + 1", report: HarnessReport(status: .ok, returnValue: .int(2), variables: ["a": .double(1.5)], totalStatements: 1, completedStatements: 1, statementLines: [[1, 1]]))),
            ("success without a report", Fixture.facts(code: "import os\nos._exit(0)")),
            ("name error", Fixture.nameError()),
            ("syntax error", Fixture.syntaxError(code: "if x = 5:\n    pass\n", line: 1, offset: 4, endOffset: 9, text: "if x = 5:", msg: "invalid syntax. Maybe you meant '==' or ':=' instead of '='?")),
            ("indentation error", Fixture.syntaxError(code: "def f():\nreturn 1\n", line: 2, offset: 1, text: "return 1", msg: "expected an indented block after function definition on line 1", type: "IndentationError")),
            ("chained", failing(exception("RuntimeError", "bad", chain: [ChainedException(type: "ValueError", message: "x", relation: "cause", lineNumber: 1)]), stdout: "partial\n")),
            ("group", failing(exception("ExceptionGroup", "many (2 sub-exceptions)", members: [ChainedException(type: "ValueError", message: "a", relation: "member"), ChainedException(type: "KeyError", message: "'k'", relation: "member")]))),
            ("missing module", failing(exception("ModuleNotFoundError", "No module named 'maths'", code: "import maths"))),
            ("blocked import", failing(exception("SecurityViolation", "import of 'os' is not allowed at security level 'strict'", code: "import os", blocked: "os"))),
            ("file write denied", failing(exception("PermissionError", "[Errno 13] Permission denied: '/etc/passwd'", code: "open('/etc/passwd', 'w')", errno: "EACCES"))),
            ("too many open files", failing(exception("OSError", "[Errno 24] Too many open files", code: "open('f')", errno: "EMFILE"))),
            ("disk full", failing(exception("OSError", "[Errno 28] No space left on device", code: "f.write(x)", errno: "ENOSPC"))),
            ("python memory error", failing(exception("MemoryError", ""))),
            ("script exit", Fixture.facts(code: "raise SystemExit(3)", observation: Fixture.exited(3), report: HarnessReport(status: .exit, totalStatements: 1, statementLines: [[1, 1]], exitCode: 3))),
            ("process exit without report", Fixture.facts(code: "import os\nos._exit(4)", observation: Fixture.exited(4))),
            ("segfault", Fixture.facts(code: "import ctypes\nctypes.string_at(0)", observation: Fixture.signalled(11))),
            ("file size signal", Fixture.facts(code: "open('f','w').write('x' * 10**9)", observation: Fixture.signalled(25))),
            ("cpu limit", Fixture.facts(code: "while True: pass", observation: Fixture.signalled(24, cpu: 30))),
            ("timeout report", Fixture.facts(code: "i = 0\nwhile True:\n    i += 1", stdout: "started\n", observation: Fixture.exited(124), report: HarnessReport(status: .timeout, variables: ["i": .int(5)], totalStatements: 2, completedStatements: 1, statementLines: [[1, 1], [2, 3]], lastLine: 3))),
            ("oom kill", Fixture.facts(code: "x = bytearray(10**9)", observation: ProcessObservation(signal: 9, wallSeconds: 0.2, cpuSeconds: 0.1, peakMemoryBytes: 104_857_600, oomKilled: true))),
            ("system failure", Fixture.facts(code: "x = 1", observation: ProcessObservation(), systemFailure: "clone3 failed: EAGAIN")),
        ]
        var wall = Fixture.facts(code: "while True:\n    pass", observation: ProcessObservation(signal: 9, wallTimeoutHit: true, wallSeconds: 30.01, cpuSeconds: 29.9, peakMemoryBytes: 9_000_000))
        wall.request.trace = true
        cases.append(("wall timeout, traced", wall))
        // A forged report (the worker's code can write one): containers where values go.
        var forged = exception("ValueError", "forged")
        forged.frames[0].locals = ["nested": .object(["a": .array([.int(1), .null])])]
        cases.append(("forged report", Fixture.facts(
            code: "y = 2\nx()\n", observation: Fixture.exited(1),
            report: Fixture.exceptionReport(forged, variables: ["list": .array([.int(1)]), "map": .object(["k": .bool(true)])], total: 2, completed: 1))))
        var seccomp = Fixture.signalled(31)
        seccomp.seccompSyscall = 41
        cases.append(("seccomp kill", Fixture.facts(code: "import socket\nsocket.socket()", observation: seccomp)))
        return cases
    }()

    @Test(arguments: DetailLevel.allCases)
    func everyOutcomeMatchesTheSchema(_ level: DetailLevel) throws {
        let encoder = JSONEncoder()
        for (name, facts) in Self.cases {
            var facts = facts
            facts.request.detail = level
            let result = Diagnostics.result(for: facts)
            let bytes = Array(try encoder.encode(result))
            let violations = SchemaValidator.result.violations(ofJSON: bytes)
            #expect(violations.isEmpty, "\(name) at \(level): \(violations.prefix(10).map(\.description))")
        }
    }

    @Test func containersInAReportBecomeTheirJSONText() {
        #expect(ReportValues.sanitize(.array([.int(1), .string("a")])) == .string(#"[1,"a"]"#))
        #expect(ReportValues.sanitize(.int(3)) == .int(3))
        let long = ReportValues.sanitize(.array(Array(repeating: .int(12345), count: 1000)))
        #expect(long.stringValue?.count == ReportValues.maximumCharacters)
    }
}
