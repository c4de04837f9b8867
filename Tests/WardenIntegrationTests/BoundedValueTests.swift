import Foundation
import Testing
import WardenProtocol

/// Values in a result are bounded (SPEC §3 "Values"): huge strings, huge containers, huge
/// ints, deep nesting and objects whose `__repr__` or `__str__` raises or never returns all
/// give a small, valid result — in variables, `return_value`, frame locals (`full` detail),
/// `partial_results` and the exception message. These run only in the sandbox, never under
/// the host's CPython.
@Suite(.timeLimit(.minutes(2)))
struct BoundedValueTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let code: String
        let success: Bool
        var testDescription: String { name }
    }

    static let failing = "\ndef fail(value):\n    raise ValueError('failed with the value in scope')\n\nfail(big)\n"

    static let cases: [Case] = [
        Case(name: "100 MB string", code: "big = 'x' * (100 * 1024 * 1024)\nbig", success: true),
        Case(name: "100 MB string in a failing frame", code: "big = 'x' * (100 * 1024 * 1024)" + failing, success: false),
        Case(name: "50 MB bytes", code: "big = b'\\x00' * (50 * 1024 * 1024)\nbig", success: true),
        Case(name: "a list of a million items", code: "big = list(range(1_000_000))\nbig", success: true),
        Case(name: "a list of a million items in a failing frame", code: "big = list(range(1_000_000))" + failing, success: false),
        Case(name: "a dict of a million items", code: "big = {i: str(i) for i in range(1_000_000)}\nbig", success: true),
        Case(name: "a million-digit int", code: "big = 10 ** 1_000_000\nbig", success: true),
        Case(name: "deep nesting", code: "big = []\nfor _ in range(100_000):\n    big = [big]\nbig", success: true),
        Case(
            name: "__repr__ raises",
            code: "class Bad:\n    def __repr__(self):\n        raise RuntimeError('no repr')\n\nbig = Bad()\nbig",
            success: true),
        Case(
            name: "__repr__ never returns",
            code: "class Slow:\n    def __repr__(self):\n        while True:\n            pass\n\nbig = Slow()\nbig",
            success: true),
        Case(
            name: "many objects whose __repr__ never returns, in a failing frame",
            code: "class Slow:\n    def __repr__(self):\n        while True:\n            pass\n\n"
                + (0..<50).map { "v\($0) = Slow()" }.joined(separator: "\n") + "\nbig = [Slow()] * 3" + failing,
            success: false),
        Case(
            name: "an exception whose __str__ never returns",
            code: "class Hang(Exception):\n    def __str__(self):\n        while True:\n            pass\n\nbig = 1\nraise Hang()",
            success: false),
        Case(name: "a 10 MB exception message", code: "big = 'y' * (10 * 1024 * 1024)\nraise ValueError(big)", success: false),
        Case(
            name: "a list whose items' __repr__ raises",
            code: "class Bad:\n    def __repr__(self):\n        raise RuntimeError('no repr')\n\nbig = [Bad() for _ in range(100_000)]\nbig",
            success: true),
    ]

    @Test func everyHugeValueGivesASmallValidResult() async throws {
        try await withDaemon { daemon in
            for item in Self.cases {
                let started = Date()
                let code = item.code
                let response = try await offThePool {
                    try post(daemon, [
                        "code": code, "detail": "full",
                        "limits": ["memory_mb": 400, "timeout_seconds": 20, "max_output_bytes": 65536],
                    ])
                }
                let elapsed = Date().timeIntervalSince(started)
                #expect(response.status == 200, "\(item.name): \(response.status)")
                #expect(response.body.count < 1_000_000, "\(item.name): the result has \(response.body.count) bytes")
                let violations = SchemaValidator.result.violations(ofJSON: response.body)
                #expect(violations.isEmpty, "\(item.name): \(violations.prefix(5).map(\.description))")
                let result = try JSONDecoder().decode(ExecutionResult.self, from: Data(response.body))
                #expect(result.success == item.success, "\(item.name): \(result.errorSummary ?? "")")
                // Bounded in time too: never past the execution's own 20 s limit (a loaded
                // machine can make any one run slow, so no tighter bound).
                #expect(elapsed < 25, "\(item.name): took \(elapsed) s")
                if !item.success {
                    #expect(result.errorCategory == .runtimeError, "\(item.name): \(result.errorSummary ?? "")")
                }

                // Every value is a scalar or a bounded string.
                var values: [JSONValue] = Array(result.executionResult.variables.values)
                values.append(result.executionResult.returnValue ?? .null)
                for frame in result.executionResult.exceptionInfo?.traceback ?? [] {
                    values += (frame.localVars ?? [:]).values
                }
                values += (result.partialResults?.variablesBeforeError ?? [:]).values
                for value in values {
                    if case .string(let text) = value {
                        #expect(text.count <= 1000, "\(item.name): a value of \(text.count) characters")
                    }
                }
                #expect((result.executionResult.exceptionInfo?.message.count ?? 0) <= 4000, "\(item.name)")
                if item.success {
                    #expect(result.executionResult.returnValue != nil, "\(item.name): no return value")
                }
            }
        }
    }

    @Test func reprFailuresAreNamedNotRaised() async throws {
        try await withDaemon { daemon in
            let raising = try run(daemon, "class Bad:\n    def __repr__(self):\n        raise RuntimeError('no repr')\n\nbad = Bad()\nbad")
            #expect(raising.executionResult.returnValue == .string("<unrepresentable Bad object>"))
            #expect(raising.executionResult.variables["bad"] == .string("<unrepresentable Bad object>"))

            let slow = try run(daemon, "class Slow:\n    def __repr__(self):\n        while True:\n            pass\n\nslow = Slow()\nslow")
            #expect(slow.success)
            #expect(slow.executionResult.variables["slow"] == .string("<repr timed out>"))

            let big = try run(daemon, "text = 'z' * 5000\nn = 2 ** 100\nf = float('nan')")
            let text = try #require(big.executionResult.variables["text"]?.stringValue)
            #expect(text.count == 1000 && text.hasSuffix("…"), "\(text.suffix(20))")
            #expect(big.executionResult.variables["n"] == .string("1267650600228229401496703205376"))
            #expect(big.executionResult.variables["f"] == .string("nan"))
        }
    }
}
