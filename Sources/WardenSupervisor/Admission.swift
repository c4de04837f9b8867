import Synchronization

/// Why an execution was not admitted; the server answers it with 429 or 503 and `Retry-After`.
public struct Refusal: Sendable, Equatable, Error {
    public enum Reason: String, Sendable {
        /// Every worker slot is busy and the queue (or the caller's share of it) is full: 429.
        case queueFull = "queue_full"
        /// Workers fail to start; the circuit breaker is open: 503.
        case circuitOpen = "circuit_open"
    }

    public var reason: Reason
    /// What to tell the client, in words.
    public var message: String
    /// Seconds after which a retry may succeed (`Retry-After`), at least 1.
    public var retryAfterSeconds: Int
}

/// Bounds the executions that run at once and the ones that wait, with per-uid fairness:
/// - at most `maxRunning` run at once (one worker thread each), and a caller uid with a limit of
///   its own (`policy.max_concurrent`) at most that many;
/// - at most `queueLength` wait; past that a request is refused (429), never left to pile up;
/// - one caller uid may hold at most `maxQueuedPerUID` of the waiting places (0: the whole
///   queue), so that one flooding caller cannot take every place;
/// - a freed slot goes to the waiting uids in turn (round robin), not to the longest queue,
///   so that a caller with one request is not starved by one with a hundred; a uid at its own
///   limit is passed over until one of its executions ends.
///
/// Waiting is a suspended task (no thread is held). Callers pair each successful `admit` with
/// exactly one `release` for the same uid.
public final class Admission: Sendable {
    public let maxRunning: Int
    public let queueLength: Int
    public let maxQueuedPerUID: Int

    private struct Waiter {
        var continuation: CheckedContinuation<Void, Never>
        /// The uid's own limit of running executions, if it has one.
        var limit: Int?
    }

    private struct State {
        var running = 0
        var runningByUID: [UInt32: Int] = [:]
        var queued = 0
        /// Waiting requests per caller uid, oldest first.
        var waiting: [UInt32: [Waiter]] = [:]
        /// Uids with waiting requests, in the order they are served next.
        var rotation: [UInt32] = []

        func mayRun(_ uid: UInt32, limit: Int?) -> Bool {
            guard let limit else { return true }
            return runningByUID[uid, default: 0] < limit
        }

        /// The first uid in turn whose oldest waiter may run now.
        func nextEligible() -> Int? {
            rotation.firstIndex { uid in mayRun(uid, limit: waiting[uid]?.first?.limit) }
        }

        mutating func start(_ uid: UInt32) {
            running += 1
            runningByUID[uid, default: 0] += 1
        }
    }

    private let state = Mutex(State())

    /// - Parameters:
    ///   - maxRunning: executions running at once (`workers.max_concurrent`), at least 1.
    ///   - queueLength: executions waiting at most (`workers.queue_length`); 0 refuses any
    ///     request that finds every slot busy.
    ///   - maxQueuedPerUID: waiting places one uid may hold (`workers.max_queued_per_uid`); 0
    ///     for no bound of its own.
    public init(maxRunning: Int, queueLength: Int, maxQueuedPerUID: Int = 0) {
        precondition(maxRunning >= 1, "maxRunning must be at least 1")
        self.maxRunning = maxRunning
        self.queueLength = max(0, queueLength)
        self.maxQueuedPerUID = max(0, maxQueuedPerUID)
    }

    /// Executions running now and executions waiting now.
    public var load: (running: Int, queued: Int) {
        state.withLock { ($0.running, $0.queued) }
    }

    /// Takes a running slot, waiting for one when none is free to this caller and the queue
    /// has room. Returns the refusal when it has none (nothing to release then).
    ///
    /// - Parameter limit: the caller's own limit of running executions (nil: none).
    public func admit(uid: UInt32, limit: Int? = nil) async -> Refusal? {
        enum Decision { case run, wait, refuse(String) }
        // Fast path under the lock; the waiting path registers its continuation under the same
        // lock, so a release between the decision and the registration cannot be missed.
        var refusal: Refusal?
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let decision: Decision = state.withLock { state in
                // Run now only when no waiter that may run is ahead (first come, first served).
                if state.running < maxRunning, state.mayRun(uid, limit: limit), state.nextEligible() == nil {
                    state.start(uid)
                    return .run
                }
                if state.queued >= queueLength {
                    return .refuse(
                        "every worker is busy (\(state.running) running) and the queue is full (\(queueLength) waiting)"
                    )
                }
                let mine = state.waiting[uid]?.count ?? 0
                if maxQueuedPerUID > 0 && mine >= maxQueuedPerUID {
                    return .refuse(
                        "every worker is busy and this caller (uid \(uid)) already has \(mine) executions waiting, its share of the queue"
                    )
                }
                if mine == 0 { state.rotation.append(uid) }
                state.waiting[uid, default: []].append(Waiter(continuation: continuation, limit: limit))
                state.queued += 1
                return .wait
            }
            switch decision {
            case .run:
                continuation.resume()
            case .wait:
                break  // resumed by `release`
            case .refuse(let message):
                refusal = Refusal(reason: .queueFull, message: message, retryAfterSeconds: 1)
                continuation.resume()
            }
        }
        return refusal
    }

    /// Gives back a slot `uid` held: the next waiting request that may run (the next uid in
    /// turn, skipping uids at their own limit) takes it.
    public func release(uid: UInt32) {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            state.running -= 1
            let left = state.runningByUID[uid, default: 1] - 1
            state.runningByUID[uid] = left > 0 ? left : nil
            guard let index = state.nextEligible() else { return nil }
            let chosen = state.rotation.remove(at: index)
            var queue = state.waiting[chosen] ?? []
            let waiter = queue.removeFirst()
            if queue.isEmpty {
                state.waiting[chosen] = nil
            } else {
                state.waiting[chosen] = queue
                state.rotation.append(chosen)
            }
            state.queued -= 1
            state.start(chosen)
            return waiter.continuation
        }
        next?.resume()
    }
}
