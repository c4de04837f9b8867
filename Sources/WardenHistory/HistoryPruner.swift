import Foundation
import Logging
import ServiceLifecycle

/// Applies the retention policy in the background: a pass shortly after start and then every
/// `interval`; each pass removes batches of `batchSize` with a pause between them, so that
/// executions recording meanwhile wait at most one small batch. A failed pass is logged and
/// tried again at the next interval. Stops on graceful shutdown or cancellation.
public struct HistoryPruner: Service {
    public var store: any ExecutionStore
    public var policy: RetentionPolicy
    public var interval: Duration
    public var batchSize: Int
    public var pause: Duration
    public var logger: Logger
    var clock: @Sendable () -> Date

    public init(
        store: any ExecutionStore, policy: RetentionPolicy, interval: Duration = .seconds(300), batchSize: Int = 500,
        pause: Duration = .milliseconds(20), logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.policy = policy
        self.interval = interval
        self.batchSize = batchSize
        self.pause = pause
        self.logger = logger
        self.clock = now
    }

    public func run() async throws {
        guard policy.maxAge != nil || policy.maxRecords != nil else {
            // Nothing to prune: stay until the daemon stops (a service that returns early
            // would end the service group).
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            try? await Task.sleep(for: .seconds(2))
            while !Task.isCancelled {
                await pass()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One pass: batches until nothing is left to prune (or cancelled). Returns how many went.
    @discardableResult
    public func pass() async -> Int {
        var total = 0
        let started = ContinuousClock.now
        do {
            while !Task.isCancelled {
                let removed = try await store.prune(policy, now: clock(), batchSize: batchSize)
                total += removed
                if removed < batchSize { break }
                try await Task.sleep(for: pause)
            }
        } catch is CancellationError {
        } catch {
            logger.error("could not prune the history", metadata: ["error": "\(error)", "history.pruned": "\(total)"])
        }
        if total > 0 {
            logger.info(
                "history pruned",
                metadata: ["history.pruned": "\(total)", "duration.seconds": "\((ContinuousClock.now - started).components.seconds)"]
            )
        }
        return total
    }
}
