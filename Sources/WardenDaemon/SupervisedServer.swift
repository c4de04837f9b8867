import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import WardenServer
import WardenSupervisor

/// The HTTP server as the service group runs it, plus what systemd expects around it:
/// `WATCHDOG=1` at half of `WATCHDOG_USEC` while the event loop answers, `STOPPING=1` when a
/// graceful shutdown begins, and the stop grace time: running executions may finish for
/// `shutdown.grace_seconds`, after which their workers are killed so that each still answers.
final class SupervisedServer: Service, Sendable {
    private let server: HTTPServer
    private let supervisor: Supervisor
    private let notifier: SystemdNotifier
    private let eventLoop: any EventLoop
    private let graceSeconds: Double
    private let logger: Logger
    /// When the stop grace time ends (monotonic), once a graceful shutdown has begun.
    private let stopDeadline = Mutex<ContinuousClock.Instant?>(nil)

    init(
        server: HTTPServer, supervisor: Supervisor, notifier: SystemdNotifier, eventLoop: any EventLoop,
        graceSeconds: Double, logger: Logger
    ) {
        self.server = server
        self.supervisor = supervisor
        self.notifier = notifier
        self.eventLoop = eventLoop
        self.graceSeconds = graceSeconds
        self.logger = logger
    }

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await self.tick() }
            try await withGracefulShutdownHandler {
                try await server.run()
            } onGracefulShutdown: {
                self.beginStopping()
            }
            tasks.cancelAll()
        }
    }

    /// The first moment of a graceful shutdown (SIGTERM): the server stops accepting in its own
    /// handler; here systemd hears about it and the grace time starts.
    private func beginStopping() {
        let first = stopDeadline.withLock { deadline -> Bool in
            guard deadline == nil else { return false }
            deadline = .now + .milliseconds(Int64(graceSeconds * 1000))
            return true
        }
        guard first else { return }
        logger.notice("stopping: no new connections; running executions may finish", metadata: ["grace.seconds": "\(graceSeconds)"])
        notifier.notify("STOPPING=1\nSTATUS=stopping: finishing running executions")
    }

    /// Pings the watchdog while healthy and ends the grace time; runs until cancelled.
    private func tick() async {
        let tick: Duration = min(notifier.watchdogInterval ?? .milliseconds(500), .milliseconds(500))
        var nextPing = ContinuousClock.now
        var abandoned = false
        while !Task.isCancelled {
            let now = ContinuousClock.now
            if let interval = notifier.watchdogInterval, now >= nextPing {
                if await eventLoopAnswers(within: interval) {
                    notifier.notify("WATCHDOG=1")
                } else {
                    logger.error("the event loop did not answer; withholding the watchdog ping")
                }
                nextPing = now + interval
            }
            if !abandoned, let deadline = stopDeadline.withLock({ $0 }), now >= deadline {
                abandoned = true
                logger.warning("stop grace time over: killing the running executions", metadata: ["grace.seconds": "\(graceSeconds)"])
                notifier.notify("STATUS=stopping: grace time over, ending running executions")
                supervisor.abandonRunningExecutions()
            }
            try? await Task.sleep(for: tick)
        }
    }

    /// The health check behind each watchdog ping: the event loop that serves every
    /// connection runs a no-op within the watchdog interval. (The worker thread pool is not
    /// asked: it may rightly be busy with long executions.)
    private func eventLoopAnswers(within limit: Duration) async -> Bool {
        let answered = Mutex(false)
        eventLoop.execute { answered.withLock { $0 = true } }
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if answered.withLock({ $0 }) { return true }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return answered.withLock { $0 }
    }
}
