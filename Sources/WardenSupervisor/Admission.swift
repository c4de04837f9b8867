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
/// - at most `maxRunning` run at once (one worker thread each);
/// - at most `queueLength` wait; past that a request is refused (429), never left to pile up;
/// - one caller uid may hold at most `maxQueuedPerUID` of the waiting places (0: the whole
///   queue), so that one flooding caller cannot take every place;
/// - a freed slot goes to the waiting uids in turn (round robin), not to the longest queue,
///   so that a caller with one request is not starved by one with a hundred.
///
/// Waiting is a suspended task (no thread is held). Callers pair each successful `admit` with
/// exactly one `release`.
public final class Admission: Sendable {
    public let maxRunning: Int
    public let queueLength: Int
    public let maxQueuedPerUID: Int

    private struct Waiter {
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var running = 0
        var queued = 0
        /// Waiting requests per caller uid, oldest first.
        var waiting: [UInt32: [Waiter]] = [:]
        /// Uids with waiting requests, in the order they are served next.
        var rotation: [UInt32] = []
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

    /// Takes a running slot, waiting for one when every slot is busy and the queue has room.
    /// Returns the refusal when it has none (nothing to release then).
    public func admit(uid: UInt32) async -> Refusal? {
        enum Decision { case run, wait, refuse(String) }
        // Fast path under the lock; the waiting path registers its continuation under the same
        // lock, so a release between the decision and the registration cannot be missed.
        var refusal: Refusal?
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let decision: Decision = state.withLock { state in
                if state.running < maxRunning && state.queued == 0 {
                    state.running += 1
                    return .run
                }
                if state.queued >= queueLength {
                    return .refuse(
                        "every worker is busy (\(maxRunning) running) and the queue is full (\(queueLength) waiting)"
                    )
                }
                let mine = state.waiting[uid]?.count ?? 0
                if maxQueuedPerUID > 0 && mine >= maxQueuedPerUID {
                    return .refuse(
                        "every worker is busy and this caller (uid \(uid)) already has \(mine) executions waiting, its share of the queue"
                    )
                }
                if mine == 0 { state.rotation.append(uid) }
                state.waiting[uid, default: []].append(Waiter(continuation: continuation))
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

    /// Gives a slot back: the next waiting request (the next uid in turn) takes it.
    public func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.rotation.isEmpty else {
                state.running -= 1
                return nil
            }
            let uid = state.rotation.removeFirst()
            var queue = state.waiting[uid] ?? []
            let waiter = queue.removeFirst()
            if queue.isEmpty {
                state.waiting[uid] = nil
            } else {
                state.waiting[uid] = queue
                state.rotation.append(uid)
            }
            state.queued -= 1
            // The slot passes straight to the waiter: `running` stays the same.
            return waiter.continuation
        }
        next?.resume()
    }
}
