import Foundation
import GRDB
import WardenProtocol

/// The read side: listings, one execution, errors with resolutions, common patterns. Every
/// query is built from `Conditions`, which always carries the viewer's restriction.
extension SQLiteExecutionStore {
    /// Columns of a listing line (no request, no result: those can be large).
    static let summaryColumns = """
        id, status, accepted_at, finished_at, duration_seconds, peak_memory_bytes, caller_uid, caller_gid,
        caller_pid, caller_name, client, category, error_type, error_message, error_pattern, retry_of,
        substr(code, 1, 400) AS code_head
        """

    public func executions(_ query: HistoryQuery, viewer: HistoryViewer) async throws -> ExecutionPage {
        var base = Conditions(query, viewer: viewer)
        if let status = query.status { base.add("status = ?", status.rawValue) }
        let limit = query.limit
        let prepared = base
        do {
            // Rows are converted inside the closure: `Row` is not Sendable (and would pick the
            // blocking overload of `read`).
            return try await pool.read { db in
                let rows = try self.page(db, prepared, columns: Self.summaryColumns, count: limit + 1)
                let page = Array(rows.prefix(limit))
                return ExecutionPage(
                    executions: try page.map(Self.summary),
                    nextCursor: rows.count > limit ? page.last.map { HistoryCursor(afterID: $0["id"]).token } : nil
                )
            }
        } catch {
            throw HistoryError(step: "list executions", error)
        }
    }

    public func execution(id: String, viewer: HistoryViewer) async throws -> ExecutionRecord? {
        do {
            return try await pool.read { db -> ExecutionRecord? in
                guard let row = try ExecutionRow.fetchOne(db, key: ["id": id]) else { return nil }
                if case .uid(let uid) = viewer, row.callerUID != Int64(uid) { return nil }
                var retries: [String] = []
                var visible = "retry_of = ?"
                var arguments: StatementArguments = [id]
                if case .uid(let uid) = viewer {
                    visible += " AND caller_uid = ?"
                    arguments += [Int64(uid)]
                }
                retries = try String.fetchAll(
                    db, sql: "SELECT id FROM execution WHERE \(visible) ORDER BY id LIMIT 100", arguments: arguments
                )
                return try Self.record(row, retries: retries)
            }
        } catch {
            throw HistoryError(step: "read execution \(id)", error)
        }
    }

    /// Failed executions examined at most per page when `resolved` filters them (a page can
    /// then be short; its cursor continues after the last one examined).
    static let maxExaminedErrors = 2000

    public func errors(_ query: HistoryQuery, viewer: HistoryViewer) async throws -> ErrorPage {
        var base = Conditions(query, viewer: viewer)
        base.add("status = 'failed'")
        let prepared = base
        let columns = """
            id, accepted_at, category, error_type, error_message, error_summary, error_pattern, client,
            retry_of, code, suggestions
            """
        do {
            return try await pool.read { db in
                guard let resolved = query.resolved else {
                    let rows = try self.page(db, prepared, columns: columns, count: query.limit + 1)
                    let page = Array(rows.prefix(query.limit))
                    let entries = try page.map { row in try Self.errorEntry(row, viewer: viewer, db: db) }
                    return ErrorPage(
                        errorHistory: entries,
                        nextCursor: rows.count > query.limit ? page.last.map { HistoryCursor(afterID: $0["id"]).token } : nil
                    )
                }
                // Whether a failure is resolved is known once its retries are followed: examine
                // failures newest first, keep those that match, stop at a full page or the bound.
                var entries: [ErrorEntry] = []
                var conditions = prepared
                var examined = 0
                var lastExamined: String?
                var exhausted = false
                while entries.count <= query.limit && examined < Self.maxExaminedErrors {
                    let rows = try self.page(db, conditions, columns: columns, count: min(200, Self.maxExaminedErrors - examined))
                    if rows.isEmpty {
                        exhausted = true
                        break
                    }
                    for row in rows {
                        examined += 1
                        lastExamined = row["id"]
                        let entry = try Self.errorEntry(row, viewer: viewer, db: db)
                        if (entry.resolution != nil) == resolved { entries.append(entry) }
                        if entries.count > query.limit { break }
                    }
                    if let lastExamined { conditions.add("id < ?", lastExamined) }
                }
                if entries.count > query.limit {
                    entries.removeLast(entries.count - query.limit)
                    return ErrorPage(errorHistory: entries, nextCursor: HistoryCursor(afterID: entries[query.limit - 1].executionId).token)
                }
                return ErrorPage(
                    errorHistory: entries, nextCursor: exhausted ? nil : lastExamined.map { HistoryCursor(afterID: $0).token }
                )
            }
        } catch {
            throw HistoryError(step: "list errors", error)
        }
    }

    /// Counted from an index alone (pattern and id: an id holds its acceptance time), without
    /// reading the rows: `execution_pattern` for the whole history, `execution_failures_by_time`
    /// for a window. Only failed executions have a pattern.
    public func commonErrors(_ query: HistoryQuery, viewer: HistoryViewer) async throws -> CommonErrorsReport {
        var conditions = Conditions(query, viewer: viewer)
        conditions.add("error_pattern IS NOT NULL")
        let whereClause = conditions.whereClause
        let arguments = conditions.arguments
        // A window (since) reads that window's failures by id; without one, every failure is
        // read anyway, in pattern order (no sort).
        let index = query.since == nil ? "execution_pattern" : "execution_failures_by_time"
        do {
            return try await pool.read { db in
                let groups = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT error_pattern, COUNT(*) AS frequency, MIN(id) AS first_id, MAX(id) AS last_id
                        FROM execution INDEXED BY \(index) \(whereClause)
                        GROUP BY error_pattern ORDER BY frequency DESC, error_pattern
                        """,
                    arguments: arguments
                )
                let total = groups.reduce(0) { $0 + ($1["frequency"] as Int) }
                let common = try groups.prefix(query.limit).map { group -> CommonError in
                    let pattern: String = group["error_pattern"]
                    let examples = try Row.fetchAll(
                        db,
                        sql: "SELECT id, category FROM execution \(whereClause) AND error_pattern = ? ORDER BY id DESC LIMIT 3",
                        arguments: arguments + [pattern]
                    )
                    return CommonError(
                        errorPattern: pattern,
                        errorCategory: ErrorCategory(rawValue: examples.first?["category"] ?? "") ?? .runtimeError,
                        frequency: group["frequency"], typicalCauses: ErrorPattern.typicalCauses(of: pattern),
                        exampleIds: examples.map { $0["id"] },
                        firstSeen: ExecutionIDRange.time(of: group["first_id"]).map(HistoryTime.string) ?? "",
                        lastSeen: ExecutionIDRange.time(of: group["last_id"]).map(HistoryTime.string) ?? ""
                    )
                }
                return CommonErrorsReport(
                    since: query.since.map(HistoryTime.string), until: query.until.map(HistoryTime.string),
                    totalFailures: total, commonErrors: common
                )
            }
        } catch {
            throw HistoryError(step: "count common errors", error)
        }
    }

    /// The first `count` rows matching `conditions`, newest first.
    ///
    /// A full-text search is planned by how many executions match the words: up to
    /// `denseMatches`, the matches are read from the FTS index and sorted by id. More (a common
    /// word), and the newest executions that pass the other filters are taken in slabs of
    /// `slabSize` by id; each slab is intersected with the FTS matches in its rowid range (an
    /// FTS5 range scan), until the page is full. Both plans give the same rows in the same
    /// order; the second reads a few thousand index entries instead of every match.
    func page(_ db: Database, _ conditions: Conditions, columns: String, count: Int) throws -> [Row] {
        guard let pattern = conditions.textPattern else {
            return try Row.fetchAll(
                db, sql: "SELECT \(columns) FROM execution \(conditions.whereClause) ORDER BY id DESC LIMIT ?",
                arguments: conditions.arguments + [count]
            )
        }
        let probe = "SELECT COUNT(*) FROM (SELECT rowid FROM execution_fts WHERE execution_fts MATCH ? LIMIT \(denseMatches + 1))"
        if try Int.fetchOne(db, sql: probe, arguments: [pattern]) ?? 0 <= denseMatches {
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(columns) FROM (SELECT rowid AS match_seq FROM execution_fts WHERE execution_fts MATCH ?) AS matches
                    CROSS JOIN execution ON execution.seq = matches.match_seq
                    \(conditions.whereClause) ORDER BY id DESC LIMIT ?
                    """,
                arguments: [pattern] + conditions.arguments + [count]
            )
        }
        var rows: [Row] = []
        var upper: String?  // the slab starts below this id
        while rows.count < count {
            var slab = conditions
            if let upper { slab.add("id < ?", upper) }
            guard
                let bounds = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT MIN(id) AS low, COUNT(*) AS size, MIN(seq) AS first, MAX(seq) AS last FROM (
                            SELECT id, seq FROM execution \(slab.whereClause) ORDER BY id DESC LIMIT \(slabSize))
                        """,
                    arguments: slab.arguments
                ), let low: String = bounds["low"]
            else { break }
            slab.add("id >= ?", low)
            rows += try Row.fetchAll(
                db,
                sql: """
                    SELECT \(columns) FROM execution \(slab.whereClause)
                    AND seq IN (SELECT rowid FROM execution_fts WHERE execution_fts MATCH ? AND rowid BETWEEN ? AND ?)
                    ORDER BY id DESC LIMIT ?
                    """,
                arguments: slab.arguments + [pattern, bounds["first"] as Int64, bounds["last"] as Int64, count - rows.count]
            )
            if (bounds["size"] as Int) < slabSize { break }
            upper = low
        }
        return rows
    }

    // MARK: Rows to wire types

    static func summary(_ row: Row) throws -> ExecutionSummary {
        ExecutionSummary(
            executionId: row["id"], status: ExecutionStatus(rawValue: row["status"]) ?? .running,
            acceptedAt: HistoryTime.string(milliseconds: row["accepted_at"]),
            finishedAt: (row["finished_at"] as Int64?).map { HistoryTime.string(milliseconds: $0) },
            durationSeconds: row["duration_seconds"], peakMemoryBytes: row["peak_memory_bytes"],
            caller: HistoryCaller(uid: row["caller_uid"], gid: row["caller_gid"], pid: row["caller_pid"], userName: row["caller_name"]),
            client: row["client"], errorCategory: (row["category"] as String?).flatMap(ErrorCategory.init(rawValue:)),
            errorType: row["error_type"], errorMessage: row["error_message"], errorPattern: row["error_pattern"],
            retryOf: row["retry_of"], codePreview: preview(row["code_head"] ?? "")
        )
    }

    /// The first non-blank line of the code, at most 80 characters.
    static func preview(_ code: String) -> String {
        let line = code.split(separator: "\n").first { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count <= 80 ? trimmed : String(trimmed.prefix(79)) + "…"
    }

    static func record(_ row: ExecutionRow, retries: [String]) throws -> ExecutionRecord {
        ExecutionRecord(
            executionId: row.id, status: ExecutionStatus(rawValue: row.status) ?? .running,
            acceptedAt: HistoryTime.string(milliseconds: row.acceptedAt),
            finishedAt: row.finishedAt.map { HistoryTime.string(milliseconds: $0) },
            durationSeconds: row.durationSeconds, peakMemoryBytes: row.peakMemoryBytes.map(Int.init),
            caller: HistoryCaller(
                uid: UInt32(row.callerUID), gid: UInt32(row.callerGID), pid: row.callerPID.map { Int32($0) },
                userName: row.callerName
            ),
            client: row.client, metadata: try JSON.decode([String: JSONValue].self, row.metadata),
            request: try JSON.decode(ExecutionRequest.self, row.request),
            requestOmissions: try row.requestOmissions.map { try JSON.decode(RequestOmissions.self, $0) },
            limits: try JSON.decode(ExecutionLimits.self, row.limits),
            result: try row.result.map { try JSON.decode(ExecutionResult.self, $0) },
            errorPattern: row.errorPattern, retryOf: row.retryOf, retries: retries
        )
    }

    /// A failed execution with its resolution: the first succeeding execution reached from it
    /// through `retry_of` links (each retry later than what it retries; at most 20 links; only
    /// executions the viewer may see), and the learning: the suggestion the fix followed.
    static func errorEntry(_ row: Row, viewer: HistoryViewer, db: Database) throws -> ErrorEntry {
        let id: String = row["id"]
        var resolution: Resolution?
        var learning: String?
        // The uid is an integer: interpolating it cannot inject anything.
        var visible = ("", "")
        if case .uid(let uid) = viewer { visible = ("AND caller_uid = \(uid)", "AND e.caller_uid = \(uid)") }
        let fix = try Row.fetchOne(
            db,
            sql: """
                WITH RECURSIVE chain(id, status, depth) AS (
                    SELECT id, status, 1 FROM execution WHERE retry_of = ? AND id > ? \(visible.0)
                    UNION ALL
                    SELECT e.id, e.status, chain.depth + 1 FROM execution AS e JOIN chain ON e.retry_of = chain.id
                    WHERE chain.depth < 20 AND chain.status != 'succeeded' AND e.id > chain.id \(visible.1)
                )
                SELECT execution.id, execution.accepted_at, execution.code, chain.depth
                FROM chain JOIN execution ON execution.id = chain.id
                WHERE chain.status = 'succeeded' ORDER BY chain.depth, chain.id LIMIT 1
                """,
            arguments: [id, id]
        )
        if let fix {
            let changes = CodeChange.changes(from: row["code"], to: fix["code"])
            resolution = Resolution(
                executionId: fix["id"], timestamp: HistoryTime.string(milliseconds: fix["accepted_at"]),
                attempts: fix["depth"], description: CodeChange.describe(changes), changes: Array(changes.prefix(20))
            )
            let suggestions = try (row["suggestions"] as String?).map { try JSON.decode([String].self, $0) } ?? []
            learning = CodeChange.learning(suggestions: suggestions, changes: changes)
        }
        return ErrorEntry(
            executionId: id, timestamp: HistoryTime.string(milliseconds: row["accepted_at"]),
            errorType: row["error_type"] ?? "", errorCategory: ErrorCategory(rawValue: row["category"] ?? "") ?? .runtimeError,
            errorMessage: row["error_message"] ?? "", errorSummary: row["error_summary"],
            errorPattern: row["error_pattern"] ?? "", client: row["client"], retryOf: row["retry_of"],
            resolution: resolution, learning: learning
        )
    }
}

/// The WHERE clause of a history query: the filters, the cursor, the time window (as an id
/// range, see `ExecutionIDRange`) and the viewer's restriction.
struct Conditions {
    private(set) var clauses: [String] = []
    private(set) var arguments: StatementArguments = []

    init(_ query: HistoryQuery, viewer: HistoryViewer) {
        if case .uid(let uid) = viewer { add("caller_uid = ?", Int64(uid)) }
        if let uid = query.uid { add("caller_uid = ?", Int64(uid)) }
        if let category = query.category { add("category = ?", category.rawValue) }
        if let errorType = query.errorType { add("error_type = ?", errorType) }
        if let client = query.client { add("client = ?", client) }
        if let since = query.since { add("id >= ?", ExecutionIDRange.lowerBound(since)) }
        if let until = query.until { add("id < ?", ExecutionIDRange.upperBound(until)) }
        if let cursor = query.cursor { add("id < ?", cursor.afterID) }
        // Every word must occur, in the code or an error message; each word is quoted, so FTS5
        // operators in the text are plain words.
        textPattern = query.text.map { text in SearchTokens.words(in: text).map { "\"\($0)\"" }.joined(separator: " ") }
    }

    /// The full-text pattern (`SQLiteExecutionStore.page` applies it).
    private(set) var textPattern: String?

    mutating func add(_ clause: String, _ values: (any DatabaseValueConvertible)?...) {
        clauses.append(clause)
        arguments += StatementArguments(values)
    }

    var whereClause: String { clauses.isEmpty ? "WHERE 1" : "WHERE " + clauses.joined(separator: " AND ") }
}
