import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// sd_notify: a datagram socket the test binds stands in for systemd's NOTIFY_SOCKET.
@Suite struct SystemdNotifyTests {
    /// Every notification until `stop` says so or `timeout` passes, with its arrival time.
    static func collect(_ fd: Int32, timeout: Double, until stop: (String) -> Bool) -> [(Date, String)] {
        var received: [(Date, String)] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, let message = SystemdSupport.receive(fd, timeout: deadline.timeIntervalSinceNow) {
            received.append((Date(), message))
            if stop(message) { break }
        }
        return received
    }

    @Test(.timeLimit(.minutes(1)), arguments: ["path", "abstract"])
    func readyThenWatchdogAtItsPaceThenStopping(kind: String) async throws {
        try await SystemdSupport.withDirectory { directory in
            let notifyPath = kind == "path" ? directory + "/notify.sock" : "@warden-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let notify = try SystemdSupport.notifySocket(notifyPath)
            defer { close(notify) }
            let daemon = try SystemdDaemon(
                directory: directory, environment: ["NOTIFY_SOCKET": notifyPath, "WATCHDOG_USEC": "400000"],
                waitUntilServing: false
            )
            defer { daemon.stop() }

            let start = Self.collect(notify, timeout: 30) { $0.split(separator: "\n").contains("READY=1") }
            let ready = try #require(start.last, "no READY=1; log:\n\(daemon.log)")
            #expect(ready.1.contains("READY=1"))
            #expect(ready.1.contains("STATUS=serving"))
            #expect(start.first?.1 == "STATUS=starting")
            // READY=1 comes only once the socket accepts.
            #expect(try daemon.client.get("/v1/health").status == 200)

            // WATCHDOG_USEC=400000: a ping every 200 ms (bounds allow for a loaded 2-core machine).
            let watch = Self.collect(notify, timeout: 1.4) { _ in false }
            let pings = watch.filter { $0.1 == "WATCHDOG=1" }
            #expect((3...8).contains(pings.count), "\(pings.count) pings in 1.4 s: \(watch.map(\.1))")
            let gaps = zip(pings.dropFirst(), pings).map { later, earlier in later.0.timeIntervalSince(earlier.0) }
            #expect(gaps.allSatisfy { $0 > 0.12 && $0 < 0.6 }, "gaps between pings: \(gaps)")
            #expect(gaps.isEmpty || gaps.reduce(0, +) / Double(gaps.count) < 0.4, "mean gap: \(gaps)")

            daemon.terminate()
            let stop = Self.collect(notify, timeout: 10) { $0.contains("STOPPING=1") }
            #expect(stop.last?.1.hasPrefix("STOPPING=1") == true, "\(stop.map(\.1))")
            #expect(daemon.waitExit(timeout: 15) == 0)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func noWatchdogWithoutWatchdogUsecAndNoneForAnotherPid() async throws {
        try await SystemdSupport.withDirectory { directory in
            let notifyPath = directory + "/notify.sock"
            let notify = try SystemdSupport.notifySocket(notifyPath)
            defer { close(notify) }
            let daemon = try SystemdDaemon(
                directory: directory, environment: ["NOTIFY_SOCKET": notifyPath, "WATCHDOG_USEC": "400000", "WATCHDOG_PID": "1"]
            )
            defer { daemon.stop() }
            let messages = Self.collect(notify, timeout: 1.0) { _ in false }.map(\.1)
            #expect(messages.contains { $0.contains("READY=1") })
            #expect(!messages.contains("WATCHDOG=1"), "\(messages)")
        }
    }
}
