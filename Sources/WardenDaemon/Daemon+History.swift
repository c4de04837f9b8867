import Foundation
import Logging
import WardenHistory
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

extension Daemon {
    /// The history file inside the state directory.
    static func historyPath(_ configuration: DaemonConfiguration) -> String {
        configuration.stateDirectory + "/history.sqlite"
    }

    /// Opens (and migrates) the history, then closes the executions a previous run left
    /// `running` as interrupted — before the socket accepts anything, so no execution of this
    /// run can be mistaken for one of the last. A history that cannot be opened stops the start:
    /// a daemon that cannot record executions must not run them.
    static func openHistory(configuration: DaemonConfiguration, logger: Logger) async throws -> SQLiteExecutionStore {
        let directory = configuration.stateDirectory
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]
            )
        }
        let store = try SQLiteExecutionStore(path: historyPath(configuration))
        let interrupted = try await store.closeInterrupted(at: Date())
        if !interrupted.isEmpty {
            logger.warning(
                "executions interrupted by the restart closed as system_error",
                metadata: ["history.interrupted": "\(interrupted.count)", "execution.ids": "\(interrupted.prefix(50).joined(separator: ","))"]
            )
        }
        logger.info("history open", metadata: ["history.path": "\(store.path)"])
        return store
    }

    /// Who sees every execution: root, `history.admin_uids`, members of `history.admin_groups`.
    static func historyAccess(_ configuration: DaemonConfiguration) throws -> HistoryAccess {
        HistoryAccess(
            adminUIDs: configuration.adminUIDs,
            adminGIDs: try configuration.adminGroups.map { try groupID($0, key: "history.admin_groups") }
        )
    }

    static func historyPruner(store: any ExecutionStore, configuration: DaemonConfiguration, logger: Logger) -> HistoryPruner {
        HistoryPruner(
            store: store,
            policy: RetentionPolicy(
                maxAgeDays: configuration.retention.maxAgeDays, maxRecords: configuration.retention.maxRecords
            ),
            logger: logger
        )
    }
}

extension Daemon {
    static func historyCheckpointer(store: SQLiteExecutionStore, logger: Logger) -> HistoryCheckpointer {
        HistoryCheckpointer(store: store, logger: logger)
    }
}
