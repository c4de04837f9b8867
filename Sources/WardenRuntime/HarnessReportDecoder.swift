import Foundation
import WardenProtocol

/// Why a worker's report was refused. The report is written by a process that runs untrusted
/// code, so a refusal is an expected outcome, never a crash.
public struct ReportProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// Decodes and validates the harness's report (fd 3). Everything is bounded before it is
/// trusted: total size and JSON nesting before decoding, then counts, line numbers and string
/// sizes after. A report that passes is still only the worker's claim; the supervisor's own
/// observation decides exit status, signals, time and memory.
public enum HarnessReportDecoder {
    /// Largest report accepted, in bytes. The harness shrinks its report below this.
    public static let maxReportBytes = 4 << 20
    /// Deepest JSON nesting accepted (the harness writes at most 5 levels).
    public static let maxNestingDepth = 32
    public static let maxTracebackBytes = 1 << 20
    public static let maxMessageBytes = 64 << 10
    public static let maxSourceLineBytes = 16 << 10
    public static let maxNameBytes = 4 << 10
    public static let maxFrames = 1000
    public static let maxVariables = 1000
    public static let maxNames = 1000
    public static let maxChain = 100
    public static let maxWarnings = 1000
    public static let maxExecutionPath = 10_000
    public static let maxStatements = 1_000_000

    public static func decode(_ bytes: [UInt8]) -> Result<HarnessReport, ReportProblem> {
        if bytes.isEmpty {
            return .failure(ReportProblem("the report is empty"))
        }
        if bytes.count > maxReportBytes {
            return .failure(ReportProblem("the report has \(bytes.count) bytes, more than \(maxReportBytes)"))
        }
        if let problem = nestingProblem(bytes) {
            return .failure(problem)
        }
        let report: HarnessReport
        do {
            report = try JSONDecoder().decode(HarnessReport.self, from: Data(bytes))
        } catch let error as DecodingError {
            return .failure(ReportProblem("the report does not decode: \(describe(error))"))
        } catch {
            return .failure(ReportProblem("the report does not decode: \(error)"))
        }
        if let problem = validate(report) {
            return .failure(problem)
        }
        return .success(report)
    }

    /// The shape rules a decoded report must satisfy; nil when it does.
    public static func validate(_ report: HarnessReport) -> ReportProblem? {
        var check = Checker()
        check.report(report)
        return check.problem
    }

    /// Refuses nesting deeper than `maxNestingDepth` without decoding (a recursive decoder
    /// would otherwise spend stack on hostile `[[[[…`). Strings are skipped, escapes honoured.
    static func nestingProblem(_ bytes: [UInt8]) -> ReportProblem? {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxNestingDepth {
                    return ReportProblem("the report nests deeper than \(maxNestingDepth) levels")
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
        return nil
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
            return keys.isEmpty ? "at the top level" : "at " + keys.joined(separator: ".")
        }
        func bounded(_ text: String) -> String {
            text.count > 200 ? String(text.prefix(200)) + "…" : text
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context)): missing \(type) value"
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing key \"\(bounded(key.stringValue))\""
        case .dataCorrupted(let context):
            return "\(path(context)): \(bounded(context.debugDescription))"
        @unknown default:
            return "undecodable"
        }
    }
}

/// Collects the first violated rule.
private struct Checker {
    typealias Limits = HarnessReportDecoder
    var problem: ReportProblem?

    mutating func fail(_ reason: String) {
        if problem == nil { problem = ReportProblem(reason) }
    }

    mutating func require(_ condition: Bool, _ reason: @autoclosure () -> String) {
        if problem == nil && !condition { problem = ReportProblem(reason()) }
    }

    mutating func string(_ value: String?, _ field: String, max: Int, nonEmpty: Bool = false) {
        guard let value else { return }
        require(value.utf8.count <= max, "\(field) is longer than \(max) bytes")
        if nonEmpty { require(!value.isEmpty, "\(field) is empty") }
    }

    mutating func line(_ value: Int?, _ field: String) {
        guard let value else { return }
        require(value > 0, "\(field) must be a positive line number, not \(value)")
    }

    mutating func column(_ value: Int?, _ field: String) {
        guard let value else { return }
        require(value >= 0, "\(field) must not be negative")
    }

    mutating func values(_ values: [String: JSONValue]?, _ field: String) {
        guard let values else { return }
        require(values.count <= Limits.maxVariables, "\(field) has more than \(Limits.maxVariables) entries")
        for name in values.keys where name.utf8.count > Limits.maxNameBytes {
            fail("\(field) has a name longer than \(Limits.maxNameBytes) bytes")
        }
    }

    mutating func report(_ report: HarnessReport) {
        require(report.version == 1, "unsupported report version \(report.version)")
        require(report.totalStatements >= 0, "total_statements is negative")
        require(report.totalStatements <= Limits.maxStatements, "total_statements is implausibly large")
        require(report.completedStatements >= 0, "completed_statements is negative")
        require(
            report.completedStatements <= report.totalStatements,
            "completed_statements (\(report.completedStatements)) exceeds total_statements (\(report.totalStatements))"
        )
        require(report.statementLines.count <= report.totalStatements, "statement_lines has more entries than statements")
        for (index, pair) in report.statementLines.enumerated() where problem == nil {
            require(pair.count == 2, "statement_lines[\(index)] is not a [first, last] pair")
            if pair.count == 2 {
                require(pair[0] > 0 && pair[1] >= pair[0], "statement_lines[\(index)] is not a valid line range")
            }
        }
        line(report.lastLine, "last_line")
        values(report.variables, "variables")
        require(report.warnings.count <= Limits.maxWarnings, "more than \(Limits.maxWarnings) warnings")
        for (index, warning) in report.warnings.enumerated() where problem == nil {
            string(warning.category, "warnings[\(index)].category", max: Limits.maxNameBytes)
            string(warning.message, "warnings[\(index)].message", max: Limits.maxMessageBytes)
            line(warning.lineNumber, "warnings[\(index)].line_number")
        }
        if let path = report.executionPath {
            require(path.count <= Limits.maxExecutionPath, "execution_path has more than \(Limits.maxExecutionPath) entries")
            for entry in path where entry.utf8.count > 64 {
                fail("execution_path has an entry longer than 64 bytes")
            }
        }
        switch report.status {
        case .exception:
            require(report.exception != nil, "status exception without an exception")
        case .syntaxError:
            require(report.exception?.syntax != nil, "status syntax_error without syntax facts")
        case .exit:
            require(report.exitCode != nil, "status exit without an exit_code")
        case .ok, .timeout:
            break
        }
        if let exception = report.exception {
            self.exception(exception)
        }
    }

    mutating func exception(_ exception: HarnessException) {
        string(exception.type, "exception.type", max: Limits.maxNameBytes, nonEmpty: true)
        string(exception.qualifiedType, "exception.qualified_type", max: Limits.maxNameBytes, nonEmpty: true)
        string(exception.message, "exception.message", max: Limits.maxMessageBytes)
        string(exception.fullTraceback, "exception.full_traceback", max: Limits.maxTracebackBytes)
        string(exception.name, "exception.name", max: Limits.maxNameBytes)
        string(exception.objectType, "exception.object_type", max: Limits.maxNameBytes)
        string(exception.key, "exception.key", max: Limits.maxMessageBytes)
        string(exception.blockedImport, "exception.blocked_import", max: Limits.maxNameBytes)
        string(exception.errnoName, "exception.errno_name", max: Limits.maxNameBytes)
        string(exception.filename, "exception.filename", max: Limits.maxNameBytes)
        require(exception.frames.count <= Limits.maxFrames, "more than \(Limits.maxFrames) frames")
        for (index, frame) in exception.frames.enumerated() where problem == nil {
            let field = "exception.frames[\(index)]"
            string(frame.filename, "\(field).filename", max: Limits.maxNameBytes)
            string(frame.functionName, "\(field).function_name", max: Limits.maxNameBytes)
            string(frame.codeLine, "\(field).code_line", max: Limits.maxSourceLineBytes)
            line(frame.lineNumber, "\(field).line_number")
            line(frame.endLineNumber, "\(field).end_line_number")
            if let end = frame.endLineNumber {
                require(end >= frame.lineNumber, "\(field).end_line_number precedes line_number")
            }
            column(frame.column, "\(field).column")
            column(frame.endColumn, "\(field).end_column")
            values(frame.locals, "\(field).locals")
        }
        for (field, names) in [("names_in_scope", exception.namesInScope), ("object_attributes", exception.objectAttributes)] {
            guard let names else { continue }
            require(names.count <= Limits.maxNames, "exception.\(field) has more than \(Limits.maxNames) names")
            for name in names where name.utf8.count > Limits.maxNameBytes {
                fail("exception.\(field) has a name longer than \(Limits.maxNameBytes) bytes")
            }
        }
        if let syntax = exception.syntax {
            line(syntax.lineNumber, "exception.syntax.line_number")
            line(syntax.endLineNumber, "exception.syntax.end_line_number")
            column(syntax.offset, "exception.syntax.offset")
            column(syntax.endOffset, "exception.syntax.end_offset")
            string(syntax.text, "exception.syntax.text", max: Limits.maxSourceLineBytes)
            string(syntax.msg, "exception.syntax.msg", max: Limits.maxMessageBytes)
        }
        links(exception.chain, "exception.chain", relations: ["cause", "context"], max: Limits.maxChain)
        links(exception.groupMembers, "exception.group_members", relations: ["member"], max: Limits.maxFrames)
    }

    mutating func links(_ links: [ChainedException]?, _ field: String, relations: Set<String>, max: Int) {
        guard let links else { return }
        require(links.count <= max, "\(field) has more than \(max) entries")
        for (index, link) in links.enumerated() where problem == nil {
            string(link.type, "\(field)[\(index)].type", max: Limits.maxNameBytes, nonEmpty: true)
            string(link.message, "\(field)[\(index)].message", max: Limits.maxMessageBytes)
            require(relations.contains(link.relation), "\(field)[\(index)].relation is not one of \(relations.sorted())")
            line(link.lineNumber, "\(field)[\(index)].line_number")
        }
    }
}
