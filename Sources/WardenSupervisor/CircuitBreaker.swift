import Synchronization

/// Opens when workers fail to start repeatedly, so that requests are refused at once (503,
/// retryable, `system_error`) instead of each waiting for a spawn that fails, and closes when
/// a worker starts again.
///
/// - closed: requests pass; `failureThreshold` consecutive start failures open it.
/// - open: requests are refused with the time left until the next probe (`Retry-After`).
/// - half-open (once `openSeconds` passed): one request passes as the probe; others are still
///   refused. A worker that starts (the probe's or a warm one) closes it; a failure opens it
///   again for `openSeconds`.
///
/// Times come in as parameters (monotonic seconds), so the logic is testable without waiting.
public final class CircuitBreaker: Sendable {
    public enum Phase: String, Sendable {
        case closed, open
        case halfOpen = "half_open"
    }

    public enum Decision: Sendable, Equatable {
        case allow
        /// The request is the half-open probe.
        case probe
        case refuse(retryAfterSeconds: Int)
    }

    public let failureThreshold: Int
    public let openSeconds: Double

    private struct State {
        var phase = Phase.closed
        var consecutiveFailures = 0
        var openedAt = 0.0
        var probeInFlight = false
    }

    private let state = Mutex(State())

    public init(failureThreshold: Int, openSeconds: Double) {
        self.failureThreshold = max(1, failureThreshold)
        self.openSeconds = max(0, openSeconds)
    }

    public var phase: Phase { state.withLock { $0.phase } }

    /// Whether a request may go on now.
    public func decide(now: Double) -> Decision {
        state.withLock { state in
            switch state.phase {
            case .closed:
                return .allow
            case .open:
                let left = state.openedAt + openSeconds - now
                if left > 0 { return .refuse(retryAfterSeconds: max(1, Int(left.rounded(.up)))) }
                state.phase = .halfOpen
                state.probeInFlight = true
                return .probe
            case .halfOpen:
                if state.probeInFlight { return .refuse(retryAfterSeconds: 1) }
                state.probeInFlight = true
                return .probe
            }
        }
    }

    /// A worker started. Returns the phase it left when this closed the circuit.
    @discardableResult
    public func recordStart() -> Phase? {
        state.withLock { state in
            state.consecutiveFailures = 0
            state.probeInFlight = false
            guard state.phase != .closed else { return nil }
            defer { state.phase = .closed }
            return state.phase
        }
    }

    /// A worker failed to start. Returns true when this opened the circuit.
    @discardableResult
    public func recordFailure(now: Double) -> Bool {
        state.withLock { state in
            state.consecutiveFailures += 1
            state.probeInFlight = false
            switch state.phase {
            case .closed where state.consecutiveFailures >= failureThreshold, .halfOpen:
                state.phase = .open
                state.openedAt = now
                return true
            case .open, .closed:
                return false
            }
        }
    }

    /// A probe ended without starting a worker either way (e.g. the request failed before
    /// spawning): let the next request probe.
    public func probeAbandoned() {
        state.withLock { $0.probeInFlight = false }
    }
}
