import Foundation
import GRDB
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The embedded history: one SQLite file in WAL mode through a GRDB `DatabasePool` (one
/// writer, concurrent readers that never wait for it). Migrates in its initialiser.
public final class SQLiteExecutionStore: ExecutionStore {
    /// How far a committed write survives.
    public enum Durability: Sendable {
        /// `synchronous = NORMAL` (WAL): a committed record survives any crash or kill of the
        /// daemon (it is in the WAL file; the kernel writes it out); a power loss or kernel
        /// crash may roll back the commits since the last checkpoint, and the file stays
        /// consistent. A commit costs ~0.1 ms. The default.
        case normal
        /// `synchronous = FULL`: every commit is fsynced before it returns, so a record also
        /// survives a power loss. A commit costs an fsync (~5–10 ms on the reference machine,
        /// two per execution): beyond the latency budget of SPEC §8.
        case full
    }

    public let path: String
    let pool: DatabasePool
    /// A second connection that only checkpoints the WAL (`checkpoint()`), so that copying
    /// pages back into the database file happens beside the writer, not inside a commit.
    let checkpointer: DatabaseQueue
    /// Above this many matching executions a search walks the newest-first order and checks
    /// each row against the full-text index; at or below, it reads the matches and sorts them
    /// (`Conditions.resolveText`).
    let denseMatches: Int
    /// Executions read per step when a common word is searched (`page`).
    let slabSize: Int

    /// Files and stdin together up to this size are stored with the request; larger ones as
    /// sizes only (`request_omissions`).
    public static let maxStoredInputBytes = 64 << 10

    /// Opens (creating it, mode 0600) and migrates the history at `path`. Throws with the
    /// path and the cause when the file cannot be opened, is not a database, or a migration
    /// fails.
    public convenience init(path: String, durability: Durability = .normal) throws {
        try self.init(path: path, durability: durability, denseMatches: 10_000, slabSize: 5000)
    }

    init(path: String, durability: Durability, denseMatches: Int, slabSize: Int) throws {
        self.path = path
        self.denseMatches = denseMatches
        self.slabSize = slabSize
        var configuration = Configuration()
        configuration.label = "warden.history"
        // Only other processes (an operator's sqlite3) can hold the lock: wait for them.
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 4
        // Mode 0600 without touching the process-wide umask (other threads spawn workers and
        // write files meanwhile): create the file first; SQLite gives its -wal and -shm files
        // the database file's mode.
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.writeWithoutTransaction { db in
                if durability == .full { try db.execute(sql: "PRAGMA synchronous = FULL") }
                // The writer checkpoints only as a safety net (40 MB of WAL); `checkpoint()`
                // does it in the background.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
            }
            try Self.migrator.migrate(pool)
            var checkpointing = Configuration()
            checkpointing.label = "warden.history.checkpoint"
            checkpointing.journalMode = .default
            checkpointer = try DatabaseQueue(path: path, configuration: checkpointing)
        } catch {
            throw HistoryError(step: "open the history at \(path)", error)
        }
    }

    /// Copies what the WAL holds back into the database file without blocking the writer or
    /// the readers (`wal_checkpoint(PASSIVE)`: it stops at pages a reader still needs and goes
    /// on next time). Called every second by `HistoryCheckpointer`.
    public func checkpoint() async throws {
        do {
            try await checkpointer.writeWithoutTransaction { db in
                _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
            }
        } catch {
            throw HistoryError(step: "checkpoint the history's WAL", error)
        }
    }

    // MARK: Recording

    public func recordAccepted(
        _ execution: AcceptedExecution, completion: @escaping @Sendable ((any Error)?) -> Void
    ) {
        let step = "record execution \(execution.id) as running"
        let row: ExecutionRow
        do {
            row = try ExecutionRow(accepted: execution)
        } catch {
            return completion(HistoryError(step: step, error))
        }
        pool.asyncWrite({ db in try row.insert(db) }) { _, outcome in
            if case .failure(let error) = outcome { return completion(HistoryError(step: step, error)) }
            completion(nil)
        }
    }

    /// `recordAccepted`, awaited: for callers in a task (the tests, the history benchmark).
    public func accepted(_ execution: AcceptedExecution) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            recordAccepted(execution) { error in
                if let error { return continuation.resume(throwing: error) }
                continuation.resume()
            }
        }
    }

    public func recordFinished(_ execution: AcceptedExecution, result: EncodedResult) throws {
        let completion = try Completion(result: result, finishedAt: Date())
        do {
            try pool.write { db in try Self.complete(execution, with: completion, in: db) }
        } catch {
            throw HistoryError(step: "record the result of execution \(execution.id)", error)
        }
    }

    /// `recordFinished` from a task, without blocking its thread: for callers in a task (the
    /// tests, the history benchmark).
    public func finished(_ execution: AcceptedExecution, result: ExecutionResult) async throws {
        let completion = try Completion(result: EncodedResult(result), finishedAt: Date())
        do {
            try await pool.write { db in try Self.complete(execution, with: completion, in: db) }
        } catch {
            throw HistoryError(step: "record the result of execution \(execution.id)", error)
        }
    }

    /// Sets the completion on the running row, or writes the whole record when the row is
    /// missing (the acceptance write failed). The UPDATE is prepared once per connection.
    private static func complete(_ execution: AcceptedExecution, with completion: Completion, in db: Database) throws {
        try db.cachedStatement(sql: completeRunningSQL).execute(arguments: completion.arguments + [execution.id])
        if db.changesCount == 0 {
            var row = try ExecutionRow(accepted: execution)
            completion.apply(to: &row)
            try row.insert(db)
        }
    }

    private static let completeRunningSQL = """
        UPDATE execution SET status = ?, finished_at = ?, result = ?, success = ?, category = ?,
            error_type = ?, error_message = ?, error_summary = ?, error_pattern = ?, suggestions = ?,
            duration_seconds = ?, peak_memory_bytes = ?
        WHERE id = ? AND status = 'running'
        """

    public func closeInterrupted(at now: Date) async throws -> [String] {
        do {
            return try await pool.write { db in
                let rows = try Row.fetchAll(
                    db, sql: "SELECT id, accepted_at, assigned_by, limits FROM execution WHERE status = 'running' ORDER BY id"
                )
                var closed: [String] = []
                for row in rows {
                    let id: String = row["id"]
                    let limits = try JSON.decode(ExecutionLimits.self, row["limits"] as String)
                    let result = InterruptedResult.make(
                        id: id, acceptedAt: HistoryTime.string(milliseconds: row["accepted_at"]),
                        assignedBy: row["assigned_by"], limits: limits
                    )
                    let completion = try Completion(result: EncodedResult(result), finishedAt: now)
                    // The row was read as running in this transaction.
                    try db.cachedStatement(sql: Self.completeRunningSQL).execute(arguments: completion.arguments + [id])
                    closed.append(id)
                }
                return closed
            }
        } catch {
            throw HistoryError(step: "close the executions interrupted by the restart", error)
        }
    }
}

/// The columns a completion sets, derived from the result.
struct Completion {
    var status: ExecutionStatus
    var finishedAt: Int64
    var resultJSON: String
    var success: Bool
    var category: String?
    var errorType: String?
    var errorMessage: String?
    var errorSummary: String?
    var errorPattern: String?
    var suggestionsJSON: String?
    var durationSeconds: Double
    var peakMemoryBytes: Int64

    /// - Parameter encoded: the result and its JSON; the history keeps it without
    ///   `history_error` (it has the record), which is re-encoded only when that is set.
    init(result encoded: EncodedResult, finishedAt: Date) throws {
        let result = encoded.result
        status = result.success ? .succeeded : .failed
        self.finishedAt = Int64((finishedAt.timeIntervalSince1970 * 1000).rounded(.down))
        if result.historyError == nil {
            resultJSON = String(decoding: try encoded.json.get(), as: UTF8.self)
        } else {
            var stored = result
            stored.historyError = nil
            resultJSON = try JSON.encode(stored)
        }
        success = result.success
        category = result.success ? nil : (result.errorCategory ?? .runtimeError).rawValue
        errorType = result.errorDetails?.errorType ?? result.executionResult.exceptionInfo?.type
        errorMessage = result.errorDetails?.errorMessage ?? result.executionResult.exceptionInfo?.message
        errorSummary = result.errorSummary
        errorPattern = ErrorPattern.of(result)
        let suggestions = Self.suggestions(of: result)
        suggestionsJSON = suggestions.isEmpty ? nil : try JSON.encode(suggestions)
        durationSeconds = result.executionResult.executionTime
        peakMemoryBytes = Int64(result.executionResult.memoryUsedBytes)
    }

    /// The suggestions a fix may follow: `error_details.suggestions`, then each recovery
    /// option's concrete fix ("Fix the name and run again: `print(total)`").
    static func suggestions(of result: ExecutionResult) -> [String] {
        var suggestions = result.errorDetails?.suggestions ?? []
        for option in result.recoveryOptions ?? [] {
            if let fix = option.suggestedFix, !fix.isEmpty { suggestions.append("\(option.description): `\(fix)`") }
        }
        return suggestions
    }

    var arguments: StatementArguments {
        [
            status.rawValue, finishedAt, resultJSON, success, category, errorType, errorMessage, errorSummary,
            errorPattern, suggestionsJSON, durationSeconds, peakMemoryBytes,
        ]
    }

    func apply(to row: inout ExecutionRow) {
        row.status = status.rawValue
        row.finishedAt = finishedAt
        row.result = resultJSON
        row.success = success
        row.category = category
        row.errorType = errorType
        row.errorMessage = errorMessage
        row.errorSummary = errorSummary
        row.errorPattern = errorPattern
        row.suggestions = suggestionsJSON
        row.durationSeconds = durationSeconds
        row.peakMemoryBytes = peakMemoryBytes
    }
}

/// JSON text for the JSON columns: sorted keys, so that equal values store equal text.
enum JSON {
    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try EncodedResult.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
