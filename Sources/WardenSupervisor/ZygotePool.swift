import Foundation
import Logging
import Synchronization
import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// The zygotes of the baseline confinement profile (every execution without grants that change
/// the kernel layers). Hands out a live zygote, round robin; a zygote that has ended is
/// replaced on the next request for one, at most once per `retryInterval` after a failed
/// start, so a broken host degrades to cold spawns instead of a start storm.
final class ZygotePool: Sendable {
    let size: Int
    private let launch: @Sendable () throws -> Zygote
    private let logger: Logger
    private let retryInterval: Double
    private let state = Mutex((zygotes: [Zygote](), next: 0, starting: 0, retryAt: 0.0, stopped: false))

    init(size: Int, retryInterval: Double = 5, logger: Logger, launch: @escaping @Sendable () throws -> Zygote) {
        self.size = size
        self.launch = launch
        self.logger = logger
        self.retryInterval = retryInterval
    }

    /// Starts the zygotes; returns the reason when none could start.
    @discardableResult
    func start() -> String? {
        var problem: String?
        for _ in 0..<size {
            do {
                let zygote = try launch()
                let kept = state.withLock { state -> Bool in
                    guard !state.stopped else { return false }
                    state.zygotes.append(zygote)
                    return true
                }
                if !kept { zygote.stop() }
            } catch {
                problem = "\(error)"
                logger.error("could not start a zygote; workers are spawned cold", metadata: ["error": "\(error)"])
                state.withLock { $0.retryAt = Monotonic.seconds() + retryInterval }
            }
        }
        return state.withLock { $0.zygotes.isEmpty } ? problem ?? "no zygote configured" : nil
    }

    /// A live zygote, or nil (the caller spawns a worker cold). Never waits for a zygote to
    /// start: ended ones are replaced on a thread of their own, and until one is ready the
    /// callers spawn cold.
    func zygote() -> Zygote? {
        let (live, dead, starting): (Zygote?, [Zygote], Int) = state.withLock { state in
            guard !state.stopped, size > 0 else { return (nil, [], 0) }
            let dead = state.zygotes.filter { !$0.isAlive }
            state.zygotes.removeAll { !$0.isAlive }
            var starting = 0
            let missing = size - state.zygotes.count - state.starting
            if missing > 0, Monotonic.seconds() >= state.retryAt {
                state.starting += missing
                starting = missing
            }
            guard !state.zygotes.isEmpty else { return (nil, dead, starting) }
            state.next = (state.next + 1) % state.zygotes.count
            return (state.zygotes[state.next], dead, starting)
        }
        if !dead.isEmpty || starting > 0 {
            let logger = self.logger
            Thread.detachNewThread { [self] in
                for zygote in dead {
                    logger.warning("a zygote ended; starting a new one", metadata: ["zygote.pid": "\(zygote.process.pid)"])
                    zygote.stop()
                }
                replenish(starting)
            }
        }
        return live
    }

    /// Starts `count` zygotes (already counted in `starting`).
    private func replenish(_ count: Int) {
        for _ in 0..<count {
            var started: Zygote?
            do {
                started = try launch()
            } catch {
                logger.error("could not start a zygote; workers are spawned cold", metadata: ["error": "\(error)"])
            }
            let rejected: Zygote? = state.withLock { state in
                state.starting -= 1
                guard let zygote = started else {
                    state.retryAt = Monotonic.seconds() + retryInterval
                    return nil
                }
                if state.stopped { return zygote }
                state.zygotes.append(zygote)
                return nil
            }
            rejected?.stop()
        }
    }

    /// Live zygotes (for health and tests).
    var live: [Zygote] {
        state.withLock { $0.zygotes.filter(\.isAlive) }
    }

    /// Ends every zygote (and any worker they still hold).
    func stop() {
        let zygotes = state.withLock { state in
            state.stopped = true
            defer { state.zygotes.removeAll() }
            return state.zygotes
        }
        for zygote in zygotes { zygote.stop() }
    }
}
