import ArgumentParser
import Foundation
import WardenClient
import WardenProtocol

/// The filters shared by `warden history` and `warden errors` (the query parameters of
/// `GET /v1/executions` and `GET /v1/errors`).
struct HistoryFilters: ParsableArguments {
    @Option(name: .long, help: "running, succeeded or failed (history only).")
    var status: String?

    @Option(name: .long, help: "An error category (runtime_error, syntax_error, timeout_error, …).")
    var category: String?

    @Option(name: .customLong("error-type"), help: "An exception class name (NameError).")
    var errorType: String?

    @Option(name: .long, help: "The client label the executions were sent with.")
    var client: String?

    @Option(name: .long, help: "The caller's uid (others than your own: admins only).")
    var uid: UInt32?

    @Option(name: .long, help: "Accepted at or after: ISO-8601 (2025-01-28T10:30:00Z, 2025-01-28) or a duration back (24h, 7d).")
    var since: String?

    @Option(name: .long, help: "Accepted at or before (same forms as --since).")
    var until: String?

    @Option(name: [.short, .long], help: "Full-text search in the code and error messages (every word must occur).")
    var search: String?

    @Option(name: .long, help: "How many to show (1-200).")
    var limit: Int?

    @Option(name: .long, help: "Continue after a previous page (the cursor it printed).")
    var cursor: String?

    /// The query string, percent-encoded; `status` only where the endpoint takes it.
    func queryString(includeStatus: Bool = true, common: Bool = false) -> String {
        var items: [(String, String?)] = [
            ("category", category), ("client", client), ("uid", uid.map(String.init)), ("since", since),
            ("until", until), ("limit", limit.map(String.init)),
        ]
        if !common { items += [("error_type", errorType), ("q", search), ("cursor", cursor)] }
        if includeStatus { items.insert(("status", status), at: 0) }
        let parts = items.compactMap { name, value in value.map { "\(name)=\(QueryEncoding.encode($0))" } }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}

enum QueryEncoding {
    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

/// `warden history`: the executions you may see, newest first.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List past executions, newest first.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var filters: HistoryFilters

    @Flag(name: .long, help: "Print the raw JSON.")
    var json = false

    func run() throws {
        let response = try connection.client.get("/v1/executions" + filters.queryString())
        let page: ExecutionPage = try HistoryOutput.decode(response, raw: json)
        var rows = [["ID", "ACCEPTED (UTC)", "STATUS", "ERROR", "TIME", "CLIENT", "CODE"]]
        for execution in page.executions {
            rows.append([
                execution.executionId, HistoryOutput.time(execution.acceptedAt), execution.status.rawValue,
                execution.errorType.map { "\($0)" } ?? execution.errorCategory?.rawValue ?? "",
                execution.durationSeconds.map { String(format: "%.3fs", $0) } ?? "",
                execution.client ?? "", HistoryOutput.clip(execution.codePreview, 40),
            ])
        }
        if page.executions.isEmpty {
            print("no executions")
        } else {
            print(HistoryOutput.table(rows), terminator: "")
        }
        if let next = page.nextCursor { print("more: warden history --cursor \(next)") }
    }
}

/// `warden show ID`: one execution with its request and result.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one past execution: request, timings and result.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The execution id (exec_…).")
    var id: String

    @Flag(name: .long, help: "Print the raw JSON.")
    var json = false

    func run() throws {
        let response = try connection.client.get("/v1/executions/" + QueryEncoding.encode(id))
        let record: ExecutionRecord = try HistoryOutput.decode(response, raw: json)
        var lines = [
            "\(record.executionId)  \(record.status.rawValue)",
            "accepted  \(HistoryOutput.time(record.acceptedAt))" + (record.finishedAt.map { "   finished  \(HistoryOutput.time($0))" } ?? ""),
            "caller    uid \(record.caller.uid)" + (record.caller.userName.map { " (\($0))" } ?? "")
                + (record.client.map { "   client \($0)" } ?? ""),
            "limits    \(record.limits.timeoutSeconds)s wall, \(record.limits.memoryMB) MB",
        ]
        if let retryOf = record.retryOf { lines.append("retry of  \(retryOf)") }
        if !record.retries.isEmpty { lines.append("retried   \(record.retries.joined(separator: ", "))") }
        if let pattern = record.errorPattern { lines.append("pattern   \(pattern)") }
        if !record.metadata.isEmpty, let data = try? JSONEncoder().encode(record.metadata) {
            lines.append("metadata  \(String(decoding: data, as: UTF8.self))")
        }
        lines.append("")
        lines.append("code:")
        var code = record.request.code
        if code.hasSuffix("\n") { code.removeLast() }
        lines += code.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { String(format: "%4d  ", $0.offset + 1) + $0.element }
        print(lines.joined(separator: "\n"))
        print("")
        if let result = record.result {
            print(ResultPrinter.render(result), terminator: "")
        } else {
            print("(still running)")
        }
    }
}

/// `warden errors`: failed executions with how they were resolved; `--common`: the recurring
/// error patterns.
struct Errors: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List failed executions with their resolutions, or the most common error patterns (--common)."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var filters: HistoryFilters

    @Flag(name: .long, help: "Show recurring error patterns with their frequency instead.")
    var common = false

    @Flag(name: .long, help: "Only failures that a later retry fixed.")
    var resolved = false

    @Flag(name: .long, help: "Only failures no retry has fixed yet.")
    var unresolved = false

    @Flag(name: .long, help: "Print the raw JSON.")
    var json = false

    func validate() throws {
        if filters.status != nil { throw ValidationError("--status does not apply: errors are failed executions") }
        if resolved && unresolved { throw ValidationError("--resolved and --unresolved exclude each other") }
        if common && (filters.search != nil || filters.errorType != nil || filters.cursor != nil || resolved || unresolved) {
            throw ValidationError("--common takes --category, --client, --uid, --since, --until and --limit only")
        }
    }

    func run() throws {
        if common {
            let response = try connection.client.get("/v1/errors/common" + filters.queryString(includeStatus: false, common: true))
            let report: CommonErrorsReport = try HistoryOutput.decode(response, raw: json)
            print("\(report.totalFailures) failed execution\(report.totalFailures == 1 ? "" : "s")"
                + (report.since.map { " since \(HistoryOutput.time($0))" } ?? ""))
            var rows = [["COUNT", "PATTERN", "CATEGORY", "TYPICAL CAUSES", "EXAMPLE"]]
            for item in report.commonErrors {
                rows.append([
                    "\(item.frequency)", item.errorPattern, item.errorCategory.rawValue,
                    HistoryOutput.clip(item.typicalCauses.joined(separator: "; "), 50), item.exampleIds.first ?? "",
                ])
            }
            if !report.commonErrors.isEmpty { print(HistoryOutput.table(rows), terminator: "") }
            return
        }
        var query = filters.queryString(includeStatus: false)
        if resolved || unresolved { query += (query.isEmpty ? "?" : "&") + "resolved=\(resolved)" }
        let response = try connection.client.get("/v1/errors" + query)
        let page: ErrorPage = try HistoryOutput.decode(response, raw: json)
        if page.errorHistory.isEmpty { print("no failed executions") }
        for entry in page.errorHistory {
            print("\(entry.executionId)  \(HistoryOutput.time(entry.timestamp))  \(entry.errorType): \(HistoryOutput.clip(entry.errorMessage, 80))")
            if let resolution = entry.resolution {
                let attempts = resolution.attempts == 1 ? "" : " after \(resolution.attempts) attempts"
                print("  resolved by \(resolution.executionId)\(attempts): \(resolution.description)")
            } else {
                print("  unresolved")
            }
            if let learning = entry.learning { print("  learning: \(learning)") }
        }
        if let next = page.nextCursor { print("more: warden errors --cursor \(next)") }
    }
}

enum HistoryOutput {
    /// Decodes a 200 answer; prints the body and exits 2 on any other (or `raw`: prints it, exits 0).
    static func decode<T: Decodable>(_ response: HTTPClientResponse, raw: Bool) throws -> T {
        if raw || response.status != 200 {
            if response.status != 200, let body = try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body)) {
                var message = "warden: \(body.error.message)"
                if !body.error.suggestedAction.isEmpty { message += "\n\(body.error.suggestedAction)" }
                FileHandle.standardError.write(Data((message + "\n").utf8))
            } else {
                print(response.text)
            }
            throw ExitCode(response.status == 200 ? 0 : 2)
        }
        return try JSONDecoder().decode(T.self, from: Data(response.body))
    }

    /// `2025-01-28T10:30:00.123Z` → `2025-01-28 10:30:00`.
    static func time(_ iso: String) -> String {
        String(iso.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }

    static func clip(_ text: String, _ width: Int) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        return line.count <= width ? line : String(line.prefix(width - 1)) + "…"
    }

    /// Left-aligned columns, two spaces apart; the last column is not padded.
    static func table(_ rows: [[String]]) -> String {
        guard let columns = rows.first?.count else { return "" }
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == columns - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
