import Foundation
import Logging
import WardenPolicy
import WardenProtocol

extension Supervisor {
    /// The per-request entry: the circuit breaker, then admission (a running slot, or a place
    /// in the queue with per-uid fairness), then `execute` (see there for the other
    /// parameters). A refusal — nothing run, nothing recorded — is counted and logged at debug
    /// level (it is the client's answer, not a fault of the daemon).
    ///
    /// - Parameter callerLimit: executions this caller may run at once (`policy.max_concurrent`);
    ///   nil for no limit of its own.
    public func run(
        _ request: ExecutionRequest, caller: CallerIdentity, authorization: Authorization? = nil,
        profile: ConfinementProfile = .standard, events: ExecutionEvents? = nil, callerLimit: Int? = nil
    ) async -> Result<EncodedResult, Refusal> {
        let decision = breaker.decide(now: Monotonic.seconds())
        if case .refuse(let retryAfter) = decision {
            let refusal = Refusal(
                reason: .circuitOpen,
                message: "workers are failing to start; new executions are refused until one starts again",
                retryAfterSeconds: retryAfter
            )
            metrics.refused(refusal)
            logger.debug("execution refused", metadata: ["refusal.reason": "\(refusal.reason.rawValue)", "caller.uid": "\(caller.uid)"])
            return .failure(refusal)
        }
        let queuedAt = Monotonic.seconds()
        if let refusal = await admission.admit(uid: caller.uid, limit: callerLimit) {
            if decision == .probe { breaker.probeAbandoned() }
            metrics.refused(refusal)
            logger.debug("execution refused", metadata: ["refusal.reason": "\(refusal.reason.rawValue)", "caller.uid": "\(caller.uid)"])
            return .failure(refusal)
        }
        defer { admission.release(uid: caller.uid) }
        metrics.queueWait.recordSeconds(Monotonic.seconds() - queuedAt)
        let result = await execute(request, caller: caller, authorization: authorization, profile: profile, events: events)
        // A probe that took a warm worker started none itself: the next request probes.
        if decision == .probe, breaker.phase == .halfOpen { breaker.probeAbandoned() }
        return .success(result)
    }

    /// Starts a worker through `spawn`, telling the circuit breaker how it went.
    func startWorker<T>(_ spawn: () throws -> T) throws -> T {
        do {
            let worker = try spawn()
            if let from = breaker.recordStart() {
                logger.notice("circuit closed: workers start again", metadata: ["circuit.was": "\(from.rawValue)"])
            }
            return worker
        } catch {
            metrics.workerStartFailures.increment()
            if breaker.recordFailure(now: Monotonic.seconds()) {
                logger.critical(
                    "circuit open: workers fail to start; refusing executions",
                    metadata: [
                        "error": "\(error)", "circuit.failures": "\(breaker.failureThreshold)",
                        "circuit.open_seconds": "\(breaker.openSeconds)",
                    ]
                )
            }
            throw error
        }
    }

    /// Brings the gauges up to date (busy and idle workers, queue depth, circuit state); the
    /// metrics endpoint calls it before each scrape.
    public func refreshGauges() {
        let load = admission.load
        metrics.workersBusy.record(load.running)
        metrics.queueDepth.record(load.queued)
        metrics.workersIdle.record(warmPool.idleCount)
        let phase: Int
        switch breaker.phase {
        case .closed: phase = 0
        case .halfOpen: phase = 1
        case .open: phase = 2
        }
        metrics.circuitState.record(phase)
    }

    /// The error text of an execution whose client went away.
    static let cancelledMessage = ExecutionFacts.cancelledFailure
}
