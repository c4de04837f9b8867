import Testing
import WardenSupervisor

/// The breaker's states, with time given as numbers (no waiting).
struct CircuitBreakerTests {
    @Test func opensAfterConsecutiveFailuresOnly() {
        let breaker = CircuitBreaker(failureThreshold: 3, openSeconds: 5)
        #expect(!breaker.recordFailure(now: 0))
        #expect(!breaker.recordFailure(now: 0))
        breaker.recordStart()  // a start in between resets the count
        #expect(!breaker.recordFailure(now: 1))
        #expect(!breaker.recordFailure(now: 1))
        #expect(breaker.decide(now: 1) == .allow)
        #expect(breaker.recordFailure(now: 1))
        #expect(breaker.phase == .open)
        #expect(breaker.decide(now: 2) == .refuse(retryAfterSeconds: 4))
    }

    @Test func halfOpenLetsOneProbeThroughAndClosesOnAStart() {
        let breaker = CircuitBreaker(failureThreshold: 1, openSeconds: 2)
        breaker.recordFailure(now: 10)
        #expect(breaker.decide(now: 11.5) == .refuse(retryAfterSeconds: 1))
        #expect(breaker.decide(now: 12) == .probe)
        #expect(breaker.phase == .halfOpen)
        #expect(breaker.decide(now: 12) == .refuse(retryAfterSeconds: 1))
        #expect(breaker.recordStart() == .halfOpen)
        #expect(breaker.phase == .closed)
        #expect(breaker.decide(now: 12) == .allow)
    }

    @Test func aFailedProbeOpensItAgain() {
        let breaker = CircuitBreaker(failureThreshold: 2, openSeconds: 2)
        breaker.recordFailure(now: 0)
        breaker.recordFailure(now: 0)
        #expect(breaker.decide(now: 3) == .probe)
        #expect(breaker.recordFailure(now: 3))
        #expect(breaker.phase == .open)
        #expect(breaker.decide(now: 4) == .refuse(retryAfterSeconds: 1))
        #expect(breaker.decide(now: 5) == .probe)
    }

    @Test func anAbandonedProbeLetsTheNextRequestProbe() {
        let breaker = CircuitBreaker(failureThreshold: 1, openSeconds: 1)
        breaker.recordFailure(now: 0)
        #expect(breaker.decide(now: 1) == .probe)
        breaker.probeAbandoned()
        #expect(breaker.decide(now: 1) == .probe)
    }
}
