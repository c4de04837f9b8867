import Logging
import NIOPosix
import Synchronization

/// Keeps a few confined workers made ahead of their requests (forked by a zygote, or spawned
/// cold), so that a request pays only for handing over its job, not for starting an
/// interpreter. Each worker has a uid, cgroup and /work of its own and serves exactly one
/// execution; nothing passes from one execution to the next. Refills and releases run on
/// thread pools of their own.
final class WarmPool: Sendable {
    private let target: Int
    private let factory: WorkerFactory
    private let spawner: NIOThreadPool
    private let releaser: NIOThreadPool
    private let logger: Logger
    private let state = Mutex((idle: [PreparedWorker](), spawning: 0, stopped: false, failures: 0, releasing: 0))
    /// Releases that may wait for a release thread. A used worker holds its uid, its cgroup
    /// and its `/work` tmpfs (through its mount namespace) until released: past this many, the
    /// execution releases its worker itself before it answers, which paces its caller.
    static let maxPendingReleases = 8

    init(target: Int, factory: WorkerFactory, logger: Logger) {
        self.target = target
        self.factory = factory
        self.logger = logger
        // A thread per worker the pool holds: a refill mostly waits — on the zygote, and on
        // cgroup v1's move of the worker into its cgroup, which waits for an RCU grace period
        // (5-12 ms here) — so refills run side by side, and the moves of overlapping refills
        // share a grace period. Releases (mount namespace and cgroup teardown, which wait for
        // grace periods too) have threads of their own, so that refills never queue behind them.
        self.spawner = NIOThreadPool(numberOfThreads: max(2, target))
        spawner.start()
        self.releaser = NIOThreadPool(numberOfThreads: 2)
        releaser.start()
    }

    /// Workers made and waiting for a request now.
    var idleCount: Int { state.withLock { $0.idle.count } }

    /// A waiting worker, or nil when none is ready (the caller makes one itself). The pool
    /// refills when the execution is over (`retire`), not now: a fork now would keep the
    /// zygote busy just when the taken worker ends and the zygote should report its exit.
    func take() -> PreparedWorker? {
        while true {
            let worker: PreparedWorker? = state.withLock { state in
                state.idle.isEmpty ? nil : state.idle.removeFirst()
            }
            guard let worker else { return nil }
            if worker.isAlive() { return worker }
            logger.warning("a warm worker died while waiting; discarding it")
            worker.finish()
            refill()
        }
    }

    /// Starts spawns until the pool holds its target (idle + in flight).
    func refill() {
        let wanted: Int = state.withLock { state in
            guard !state.stopped else { return 0 }
            let missing = target - state.idle.count - state.spawning
            // After repeated failures, keep trying one at a time instead of a burst.
            let count = state.failures > 2 ? min(missing, 1) : missing
            state.spawning += max(0, count)
            return max(0, count)
        }
        for _ in 0..<wanted {
            spawner.submit { [self] status in
                guard case .active = status else {
                    state.withLock { $0.spawning -= 1 }
                    return
                }
                do {
                    let worker = try factory.supervisor.startWorker { try factory.make(warm: true) }
                    let rejected: PreparedWorker? = state.withLock { state in
                        state.spawning -= 1
                        state.failures = 0
                        if state.stopped { return worker }
                        state.idle.append(worker)
                        return nil
                    }
                    rejected?.finish()
                } catch {
                    state.withLock {
                        $0.spawning -= 1
                        $0.failures += 1
                    }
                    logger.error("could not spawn a warm worker", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Releases a used worker's resources (cgroup, uid, descriptors) off the request's path,
    /// then refills the pool. Releases at once, on the caller's thread, when the pool is stopping
    /// or `maxPendingReleases` already wait.
    func retire(_ worker: PreparedWorker, executionID: String) {
        let logger = self.logger
        let release: @Sendable () -> Void = { [self] in
            if let problem = worker.finish() {
                logger.error(
                    "could not release the worker's cgroup",
                    metadata: ["execution.id": "\(executionID)", "error": "\(problem)"]
                )
            }
            refill()
        }
        let queued: Bool = state.withLock { state in
            guard !state.stopped, state.releasing < Self.maxPendingReleases else { return false }
            state.releasing += 1
            return true
        }
        guard queued else { return release() }
        releaser.submit { [self] _ in
            release()
            state.withLock { $0.releasing -= 1 }
        }
    }

    /// Ends every waiting worker and stops refilling.
    func shutdown() async {
        let idle: [PreparedWorker] = state.withLock { state in
            state.stopped = true
            defer { state.idle.removeAll() }
            return state.idle
        }
        for worker in idle { worker.finish() }
        try? await spawner.shutdownGracefully()
        try? await releaser.shutdownGracefully()
        let late: [PreparedWorker] = state.withLock { state in
            defer { state.idle.removeAll() }
            return state.idle
        }
        for worker in late { worker.finish() }
    }
}
