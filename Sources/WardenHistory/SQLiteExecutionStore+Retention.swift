import Foundation
import GRDB

/// Retention: the oldest finished executions go first, a small batch per transaction, so that
/// the writer lock is held for milliseconds and executions recording meanwhile barely wait.
extension SQLiteExecutionStore {
    public func prune(_ policy: RetentionPolicy, now: Date, batchSize: Int) async throws -> Int {
        precondition(batchSize > 0, "batchSize must be positive")
        do {
            // Read on a reader, outside the writer lock: new rows meanwhile only add excess.
            var counted = 0
            if let maxRecords = policy.maxRecords {
                let count = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT total FROM execution_count") ?? 0 }
                counted = max(0, count - maxRecords)
            }
            let excess = counted
            let cutoff = policy.maxAge.map { ExecutionIDRange.lowerBound(now.addingTimeInterval(-$0)) }
            let limit = batchSize
            return try await pool.write { db in
                var deleted = 0
                if let cutoff {
                    try db.execute(
                        sql: """
                            DELETE FROM execution WHERE seq IN (
                                SELECT seq FROM execution WHERE id < ? AND status != 'running' ORDER BY id LIMIT ?)
                            """,
                        arguments: [cutoff, limit]
                    )
                    deleted += db.changesCount
                }
                let byCount = min(limit - deleted, excess - deleted)
                if byCount > 0 {
                    try db.execute(
                        sql: """
                            DELETE FROM execution WHERE seq IN (
                                SELECT seq FROM execution WHERE status != 'running' ORDER BY id LIMIT ?)
                            """,
                        arguments: [byCount]
                    )
                    deleted += db.changesCount
                }
                return deleted
            }
        } catch {
            throw HistoryError(step: "prune the history", error)
        }
    }
}
