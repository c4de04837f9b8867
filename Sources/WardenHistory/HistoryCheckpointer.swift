import Logging
import ServiceLifecycle

/// Checkpoints the history's WAL every `interval` on a connection of its own, so that
/// executions recording meanwhile never pay for a checkpoint inside their commit (the writer
/// only checkpoints past 40 MB of WAL, as a safety net). A failure is logged once per streak
/// and retried at the next tick. Stops on graceful shutdown or cancellation.
public struct HistoryCheckpointer: Service {
    public var store: SQLiteExecutionStore
    public var interval: Duration
    public var logger: Logger

    public init(store: SQLiteExecutionStore, interval: Duration = .seconds(1), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                do {
                    try await store.checkpoint()
                    failing = false
                } catch {
                    if !failing { logger.warning("could not checkpoint the history", metadata: ["error": "\(error)"]) }
                    failing = true
                }
                try? await Task.sleep(for: interval)
            }
        }
        // A last checkpoint, so that a stopped daemon leaves a small WAL.
        try? await store.checkpoint()
    }
}
