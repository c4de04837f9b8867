import Foundation
import Testing

@testable import WardenDaemon

#if canImport(Glibc)
import Glibc
#endif

/// sd_notify datagrams and sd_listen_fds checks against real sockets.
@Suite struct SystemdProtocolTests {
    /// A bound datagram socket; `name` starting with "@" is abstract.
    static func datagramSocket(_ name: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #expect(fd >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (index, byte) in bytes.enumerated() { raw[index] = byte } }
        let length = MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(length)) } }
        #expect(bound == 0, "bind: errno \(errno)")
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func receive(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count >= 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    @Test func notifiesAPathSocket() throws {
        let path = "/tmp/wn-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let fd = try Self.datagramSocket(path)
        defer { close(fd); unlink(path) }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path])
        #expect(notifier.isEnabled)
        #expect(notifier.notify("READY=1\nSTATUS=serving"))
        #expect(Self.receive(fd) == "READY=1\nSTATUS=serving")
    }

    @Test func notifiesAnAbstractSocket() throws {
        let name = "@warden-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = try Self.datagramSocket(name)
        defer { close(fd) }
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": name]).notify("WATCHDOG=1"))
        #expect(Self.receive(fd) == "WATCHDOG=1")
    }

    @Test func withoutNotifySocketNothingIsSent() {
        #expect(SystemdNotifier(environment: [:]).notify("READY=1") == false)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative"]).isEnabled == false)
    }

    @Test func watchdogIntervalIsHalfOfWatchdogUsecForThisProcessOnly() {
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "400000"]).watchdogInterval == .milliseconds(200))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "400000", "WATCHDOG_PID": "\(getpid())"]).watchdogInterval == .milliseconds(200))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "400000", "WATCHDOG_PID": "1"]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "0"]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: [:]).watchdogInterval == nil)
    }

    @Test func descriptorsMeantForAnotherProcessAreNotTaken() {
        setenv("LISTEN_FDS", "1", 1)
        setenv("LISTEN_PID", "1", 1)
        let passed = SocketActivation.listenDescriptors(environment: ["LISTEN_FDS": "1", "LISTEN_PID": "1"])
        #expect(passed.isEmpty)
        #expect(getenv("LISTEN_FDS") == nil)
        #expect(getenv("LISTEN_PID") == nil)
        #expect(SocketActivation.listenDescriptors(environment: [:]).isEmpty)
    }

    @Test func onlyAListeningUnixStreamSocketIsAdopted() throws {
        let path = "/tmp/wl-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let stream = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(stream); unlink(path) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (index, byte) in path.utf8.enumerated() { raw[index] = byte } }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stream, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(SocketActivation.unsuitability(of: stream) == "not listening (Accept=yes is not supported)")
        #expect(listen(stream, 8) == 0)
        #expect(SocketActivation.unsuitability(of: stream) == nil)
        #expect(SocketActivation.boundPath(of: stream) == path)
        let datagram = try Self.datagramSocket("@warden-dgram-\(getpid())")
        defer { close(datagram) }
        #expect(SocketActivation.unsuitability(of: datagram) == "not a stream socket (ListenStream=)")
        let pipeEnds = UnsafeMutablePointer<Int32>.allocate(capacity: 2)
        defer { pipeEnds.deallocate() }
        #expect(pipe(pipeEnds) == 0)
        #expect(SocketActivation.unsuitability(of: pipeEnds[0]) == "not a socket")
        close(pipeEnds[0])
        close(pipeEnds[1])
    }
}
