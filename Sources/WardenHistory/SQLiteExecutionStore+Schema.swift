import GRDB

/// The schema, as migrations. A shipped migration is never edited: a change is a new
/// migration appended to `migrator` (GRDB records the applied ones in `grdb_migrations`).
extension SQLiteExecutionStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: executions, indexes, full-text search") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2: execution count, failures by time") { db in
            try db.execute(sql: v2)
        }
        return migrator
    }

    /// One row per accepted execution.
    ///
    /// - `seq` is the rowid alias that the FTS5 index refers to (stable across VACUUM, unlike an
    ///   implicit rowid); `id` is the public, time-ordered key that queries order by.
    /// - Times are integer milliseconds since the epoch (UTC).
    /// - `request`, `limits`, `result`, `metadata`, `suggestions` are JSON text.
    /// - The error columns are denormalised from `result` at completion for the filters and the
    ///   full-text index; `error_pattern` is `ErrorPattern.of(result)`.
    /// - The CHECKs tie status to the columns that must (not) be set for it.
    static let v1 = """
        CREATE TABLE execution (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE CHECK (id GLOB 'exec_*'),
            status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
            accepted_at INTEGER NOT NULL,
            finished_at INTEGER,
            caller_uid INTEGER NOT NULL CHECK (caller_uid >= 0),
            caller_gid INTEGER NOT NULL CHECK (caller_gid >= 0),
            caller_pid INTEGER,
            caller_name TEXT,
            client TEXT,
            assigned_by TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            request TEXT NOT NULL,
            request_omissions TEXT,
            code TEXT NOT NULL,
            limits TEXT NOT NULL,
            result TEXT,
            success INTEGER CHECK (success IN (0, 1)),
            category TEXT CHECK (category IN ('syntax_error', 'runtime_error', 'import_error', 'security_error',
                'timeout_error', 'memory_error', 'resource_error', 'system_error')),
            error_type TEXT,
            error_message TEXT,
            error_summary TEXT,
            error_pattern TEXT,
            suggestions TEXT,
            duration_seconds REAL,
            peak_memory_bytes INTEGER,
            retry_of TEXT,
            CHECK ((status = 'running') = (finished_at IS NULL)),
            CHECK ((status = 'running') = (result IS NULL)),
            CHECK ((status = 'running') = (success IS NULL)),
            CHECK (status != 'succeeded' OR (success = 1 AND category IS NULL)),
            CHECK (status != 'failed' OR (success = 0 AND category IS NOT NULL AND error_pattern IS NOT NULL))
        );
        -- Newest-first listings with one filter walk one of these backwards and stop after a page.
        CREATE INDEX execution_status ON execution(status, id);
        CREATE INDEX execution_caller ON execution(caller_uid, id);
        CREATE INDEX execution_client ON execution(client, id) WHERE client IS NOT NULL;
        CREATE INDEX execution_category ON execution(category, id) WHERE category IS NOT NULL;
        CREATE INDEX execution_error_type ON execution(error_type, id) WHERE error_type IS NOT NULL;
        CREATE INDEX execution_pattern ON execution(error_pattern, id) WHERE error_pattern IS NOT NULL;
        CREATE INDEX execution_retry_of ON execution(retry_of) WHERE retry_of IS NOT NULL;

        -- Full-text search over code and error messages; external content (no second copy of
        -- the code), kept in step by triggers. Identifiers stay whole: '_' is a token character.
        CREATE VIRTUAL TABLE execution_fts USING fts5(
            code, error_message, content = 'execution', content_rowid = 'seq',
            tokenize = "unicode61 tokenchars '_'"
        );
        CREATE TRIGGER execution_fts_insert AFTER INSERT ON execution BEGIN
            INSERT INTO execution_fts(rowid, code, error_message) VALUES (new.seq, new.code, new.error_message);
        END;
        CREATE TRIGGER execution_fts_delete AFTER DELETE ON execution BEGIN
            INSERT INTO execution_fts(execution_fts, rowid, code, error_message)
                VALUES ('delete', old.seq, old.code, old.error_message);
        END;
        CREATE TRIGGER execution_fts_update AFTER UPDATE OF code, error_message ON execution
            WHEN old.code IS NOT new.code OR old.error_message IS NOT new.error_message BEGIN
            INSERT INTO execution_fts(execution_fts, rowid, code, error_message)
                VALUES ('delete', old.seq, old.code, old.error_message);
            INSERT INTO execution_fts(rowid, code, error_message) VALUES (new.seq, new.code, new.error_message);
        END;
        """

    /// - `execution_count` holds the number of rows, kept by triggers, so that retention by
    ///   count needs no COUNT(*) over the whole table (~40 ms at a million rows).
    /// - `execution_failures_by_time` lets common errors over a short window read only the
    ///   failures of that window (by id) with their patterns, without reading rows.
    static let v2 = """
        CREATE TABLE execution_count (total INTEGER NOT NULL CHECK (total >= 0));
        INSERT INTO execution_count(total) SELECT COUNT(*) FROM execution;
        CREATE TRIGGER execution_count_insert AFTER INSERT ON execution BEGIN
            UPDATE execution_count SET total = total + 1;
        END;
        CREATE TRIGGER execution_count_delete AFTER DELETE ON execution BEGIN
            UPDATE execution_count SET total = total - 1;
        END;
        CREATE INDEX execution_failures_by_time ON execution(id, error_pattern) WHERE error_pattern IS NOT NULL;
        """
}
