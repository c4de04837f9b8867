import Foundation
import Testing
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The fixture corpus `Tests/Fixtures/diagnostics/*.py`: every script runs through the real
/// daemon and through plain CPython on the host (`_reference/cpython_facts.py`), and the
/// result must agree with CPython's facts: success and exit status, exception type and
/// message, line (and column for syntax errors), `full_traceback` byte for byte, stdout and
/// stderr, warnings, the return value, scalar variables and the completed statement count.
///
/// Nothing CPython can say is typed in by hand. A fixture's header comments carry only what
/// CPython cannot know (`# key: value`, any number, before the code):
///   security_level: strict|standard|permissive   the request's level (default strict)
///   expect-category: <error_category>             when it is not derived from CPython's outcome
///   expect-reference: none                        no CPython comparison (blocked imports)
///   expect-type: <error_type>                     error_details.error_type, without a reference
///   expect-suggestion-contains: <text>            some error_details.suggestions entry has it
///   expect-suggestions-exclude: <text>            no error_details.suggestions entry has it
///   expect-context-contains: <text>               error_details.context has it
///   expect-context-excludes: <text>               error_details.context does not have it
///   expect-fix-contains: <text>                   the fix_and_retry suggested_fix has it
/// Every result is also validated against docs/result.schema.json (by `run`).
@Suite(.timeLimit(.minutes(3)))
struct DiagnosticsFixtureTests {
    @Test(arguments: DiagnosticsFixture.names)
    func fixtureMatchesCPython(_ name: String) async throws {
        let fixture = try DiagnosticsFixture.load(name)
        let daemon = try await SharedDaemon.shared.acquire()
        defer { Task { await SharedDaemon.shared.release(total: DiagnosticsFixture.names.count) } }

        let result = try await offThePool { try run(daemon, fixture.code, extra: fixture.requestExtra) }
        for (key, value) in fixture.headers {
            for expected in value { try check(header: key, expected, result, fixture) }
        }
        if fixture.headers["expect-reference"]?.first == "none" { return }
        let reference = try await offThePool { try ReferencePython.facts(for: fixture.code) }
        compare(result, reference, fixture)

        // The same run at the other detail levels: the same facts, and still valid.
        for level in ["summary", "full"] {
            let other = try await offThePool {
                try run(daemon, fixture.code, extra: fixture.requestExtra.merging(["detail": level]) { $1 })
            }
            #expect(other.errorCategory == result.errorCategory, "\(name) at \(level)")
            #expect(other.executionResult.exceptionInfo?.fullTraceback == result.executionResult.exceptionInfo?.fullTraceback)
            #expect(other.errorDetails?.lineNumber == result.errorDetails?.lineNumber)
        }
    }

    @Test func theCorpusCoversEveryKindOfFailure() throws {
        let names = DiagnosticsFixture.names
        #expect(names.count >= 60, "only \(names.count) fixtures")
        for prefix in [
            "name_error", "attribute_error", "zero_division", "key_error", "index_error", "type_error",
            "value_error", "recursion_error", "assertion_error", "comprehension", "generator", "lambda",
            "nested_function", "method", "class_body", "decorator", "chained_raise_from", "chained_during",
            "exception_group", "exception_group_nested", "non_ascii", "system_exit_zero", "system_exit_three",
            "sys_exit_message", "syntax_assignment_in_if", "syntax_missing_colon", "syntax_unclosed_string",
            "syntax_unclosed_bracket", "syntax_expected_indented", "syntax_unexpected_indent",
            "syntax_python2_print", "syntax_assign_to", "import_missing_module", "import_blocked_strict",
            "warnings", "return_value", "partial_results", "json_decode_error",
        ] {
            #expect(names.contains { $0.hasPrefix(prefix) }, "no fixture for \(prefix)")
        }
    }

    // MARK: - Comparison with CPython

    private func compare(_ result: ExecutionResult, _ reference: CPythonFacts, _ fixture: DiagnosticsFixture) {
        let name = fixture.name
        let expectedCategory = fixture.headers["expect-category"]?.first ?? reference.derivedCategory
        #expect(result.errorCategory?.rawValue == expectedCategory, "\(name): category")
        #expect(result.success == (expectedCategory == nil), "\(name): success")
        #expect(result.executionResult.exitCode == reference.exitCode, "\(name): exit code")
        #expect(result.executionResult.stdout == reference.stdout, "\(name): stdout")
        #expect(result.executionResult.stderr == reference.stderr, "\(name): stderr")
        #expect(result.executionResult.warnings == reference.warnings, "\(name): warnings")

        for (variable, value) in reference.variables {
            #expect(result.executionResult.variables[variable] == value, "\(name): variable \(variable)")
        }
        if reference.outcome == "ok" {
            #expect(result.executionResult.exceptionInfo == nil, "\(name)")
            if reference.hasReturnValue == true {
                #expect((result.executionResult.returnValue ?? .null) == (reference.returnValue ?? .null), "\(name): return_value")
            } else if reference.hasReturnValue == nil {
                #expect(result.executionResult.returnValue == nil, "\(name): return_value without a final expression")
            }
            return
        }
        let details = result.errorDetails
        if reference.outcome == "exit" {
            #expect(details?.errorType == "SystemExit", "\(name)")
            #expect(result.executionResult.exceptionInfo == nil, "\(name)")
            return
        }

        // An exception (or a syntax error) escaped.
        let info = result.executionResult.exceptionInfo
        #expect(info?.type == reference.type, "\(name): exception type")
        #expect(info?.qualifiedType == reference.qualifiedType, "\(name): qualified type")
        #expect(info?.message == reference.message, "\(name): exception message")
        #expect(details?.errorType == reference.type, "\(name): error_type")
        #expect(details?.errorMessage == reference.message, "\(name): error_message")
        #expect(details?.lineNumber == reference.lineNumber, "\(name): line number")
        #expect(info?.fullTraceback == reference.fullTraceback, "\(name): full_traceback")
        if let line = reference.lineNumber {
            #expect(result.errorSummary?.contains("on line \(line)") == true, "\(name): summary \(result.errorSummary ?? "-")")
            let source = fixture.sourceLine(line)
            if !source.isEmpty {
                #expect(details?.problematicCode == source, "\(name): problematic_code")
            }
        }
        if reference.outcome == "syntax_error" {
            #expect(details?.columnNumber == reference.offset, "\(name): column")
            #expect(info?.traceback.isEmpty == true, "\(name): a syntax error has no frames")
            #expect(result.partialResults == nil || result.partialResults?.completedLines == 0, "\(name)")
        } else {
            let frames = info?.traceback ?? []
            #expect(frames.last(where: { $0.filename == "<string>" })?.lineNumber == reference.lineNumber, "\(name): frames")
            #expect(result.partialResults?.completedLines == reference.completedStatements, "\(name): completed_lines")
            #expect(result.partialResults?.totalLines == reference.totalStatements, "\(name): total_lines")
            #expect(result.partialResults?.stdoutBeforeError == reference.stdout, "\(name): stdout_before_error")
        }
    }

    private func check(header: String, _ expected: String, _ result: ExecutionResult, _ fixture: DiagnosticsFixture) throws {
        let name = fixture.name
        let details = result.errorDetails
        switch header {
        case "security_level", "expect-reference":
            break
        case "expect-category":
            #expect(result.errorCategory?.rawValue == expected, "\(name): category")
        case "expect-type":
            #expect(details?.errorType == expected, "\(name): error_type")
        case "expect-suggestion-contains":
            let suggestions = details?.suggestions ?? []
            #expect(suggestions.contains { $0.contains(expected) }, "\(name): no suggestion contains \(expected): \(suggestions)")
        case "expect-suggestions-exclude":
            let suggestions = details?.suggestions ?? []
            #expect(!suggestions.contains { $0.contains(expected) }, "\(name): a suggestion contains \(expected): \(suggestions)")
        case "expect-context-contains":
            #expect(details?.context?.contains(expected) == true, "\(name): context \(details?.context ?? "nil")")
        case "expect-context-excludes":
            #expect(details?.context?.contains(expected) != true, "\(name): context \(details?.context ?? "nil")")
        case "expect-fix-contains":
            let fix = result.recoveryOptions?.first { $0.option == .fixAndRetry }?.suggestedFix
            #expect(fix?.contains(expected) == true, "\(name): suggested_fix \(fix ?? "nil")")
        default:
            Issue.record("\(name): unknown header '\(header)'")
        }
    }
}

// MARK: - Fixtures

struct DiagnosticsFixture: Sendable {
    let name: String
    let code: String
    let headers: [String: [String]]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/diagnostics")

    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".py") }.map { String($0.dropLast(3)) }.sorted()
    }()

    static func load(_ name: String) throws -> DiagnosticsFixture {
        let code = try String(contentsOf: directory.appendingPathComponent(name + ".py"), encoding: .utf8)
        var headers: [String: [String]] = [:]
        for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("# "), let colon = line.firstIndex(of: ":") else { break }
            let key = line.dropFirst(2)[..<colon].trimmingCharacters(in: .whitespaces)
            guard key == "security_level" || key.hasPrefix("expect-") else { break }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[key, default: []].append(value)
        }
        return DiagnosticsFixture(name: name, code: code, headers: headers)
    }

    var requestExtra: [String: Any] {
        var extra: [String: Any] = ["detail": "standard"]
        if let level = headers["security_level"]?.first { extra["security_level"] = level }
        return extra
    }

    /// Line `number` of the code (1-based), without surrounding whitespace.
    func sourceLine(_ number: Int) -> String {
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false)
        guard number >= 1, number <= lines.count else { return "" }
        return lines[number - 1].trimmingCharacters(in: .whitespaces)
    }
}

/// One daemon shared by all fixture cases (started on first use, stopped after the last case
/// or at process exit, whichever comes first).
actor SharedDaemon {
    static let shared = SharedDaemon()
    private var daemon: RunningDaemon?
    private var finished = 0

    func acquire() throws -> RunningDaemon {
        if let daemon { return daemon }
        let started = try RunningDaemon.start()
        daemon = started
        sharedDaemonAtExit = started
        atexit { sharedDaemonAtExit?.stop() }
        return started
    }

    func release(total: Int) {
        finished += 1
        if finished >= total {
            daemon?.stop()
            daemon = nil
            sharedDaemonAtExit = nil
            finished = 0
        }
    }
}

nonisolated(unsafe) private var sharedDaemonAtExit: RunningDaemon?

// MARK: - CPython's facts

/// Runs blocking work (a socket round trip, a child process) on a dispatch thread, so that the
/// test's waiting does not hold one of the few threads every async test shares.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// What `_reference/cpython_facts.py` reports for a script run under plain CPython.
struct CPythonFacts: Decodable, Sendable {
    var outcome: String
    var exitCode: Int
    var type: String?
    var qualifiedType: String?
    var message: String?
    var lineNumber: Int?
    var offset: Int?
    var completedStatements: Int?
    var totalStatements: Int
    var fullTraceback: String?
    var returnValue: JSONValue?
    var hasReturnValue: Bool?
    var variables: [String: JSONValue]
    var warnings: [WarningRecord]
    var stdout = ""
    var stderr = ""

    enum CodingKeys: String, CodingKey {
        case outcome
        case exitCode = "exit_code"
        case type
        case qualifiedType = "qualified_type"
        case message
        case lineNumber = "line_number"
        case offset
        case completedStatements = "completed_statements"
        case totalStatements = "total_statements"
        case fullTraceback = "full_traceback"
        case returnValue = "return_value"
        case hasReturnValue = "has_return_value"
        case variables, warnings
    }

    /// The category the outcome implies when nothing but CPython is known.
    var derivedCategory: String? {
        switch outcome {
        case "ok": return nil
        case "exit": return "runtime_error"
        case "syntax_error": return "syntax_error"
        default:
            switch type {
            case "ModuleNotFoundError", "ImportError": return "import_error"
            case "MemoryError": return "memory_error"
            default: return "runtime_error"
            }
        }
    }
}

extension ReferencePython {
    static let factsProgram = DiagnosticsFixture.directory.appendingPathComponent("_reference/cpython_facts.py").path

    /// Runs `code` under plain CPython as the harness presents it and returns the facts.
    static func facts(for code: String) throws -> CPythonFacts {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("warden-ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let factsPath = scratch.appendingPathComponent("facts.json").path
        let stdoutPath = scratch.appendingPathComponent("stdout").path
        let stderrPath = scratch.appendingPathComponent("stderr").path
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-I", "-S", "-B", factsProgram, factsPath]
        process.currentDirectoryURL = scratch
        let input = Pipe()
        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardInput = input
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        input.fileHandleForWriting.write(Data(code.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        try stdout.close()
        try stderr.close()

        guard let data = FileManager.default.contents(atPath: factsPath) else {
            let errors = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            throw DaemonError("the reference program wrote no facts (status \(process.terminationStatus)): \(errors)")
        }
        var facts = try JSONDecoder().decode(CPythonFacts.self, from: data)
        facts.stdout = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        facts.stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        return facts
    }
}
