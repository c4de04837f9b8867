import Foundation
import Testing
import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// The Landlock domain the shim enters, on the real kernel: a spawned process reaches an
/// abstract socket, a signal target and TCP outside its domain only without it.
@Suite(.timeLimit(.minutes(1)))
struct LandlockTests {
    private static let abi: Int? = try? Landlock.abi().get()

    @Test func theStrongestRestrictionFollowsTheABI() {
        #expect(LandlockRestriction.strongest(abi: 3) == nil)
        #expect(LandlockRestriction.strongest(abi: 4) == LandlockRestriction(scoped: 0, handledNetwork: 3))
        #expect(LandlockRestriction.strongest(abi: 6) == LandlockRestriction(scoped: 3, handledNetwork: 3))
        #expect(LandlockRestriction.strongest(abi: 6)?.allowingNetwork == LandlockRestriction(scoped: 3, handledNetwork: 0))
        #expect(LandlockRestriction.strongest(abi: 4)?.allowingNetwork == nil)
        #expect(LandlockRestriction.strongest(abi: 7)?.scopesAbstractSockets == true)
    }

    /// Runs `script` with python3 in a domain (or none) and returns its output.
    private func python(_ script: String, landlock: LandlockRestriction?) throws -> String {
        let (exit, output) = try runShell("exec /usr/bin/python3 -I -S -c \"$0\"".replacingOccurrences(of: "$0", with: script)) {
            $0.landlock = landlock
        }
        #expect(exit.reason == .exited(0), "python3 failed: \(output)")
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func scopedDomainsReachNoAbstractSocketOutside() throws {
        guard let abi = Self.abi, abi >= 6 else {
            print("SKIP LandlockTests: Landlock ABI 6 (scopes) is not available on this kernel (\(Self.abi.map(String.init) ?? "none"))")
            return
        }
        let name = "warden-landlock-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let server = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #expect(server >= 0)
        defer { Descriptors.close(server) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let length = withUnsafeMutableBytes(of: &address.sun_path) { path -> Int in
            path[0] = 0  // abstract
            for (index, byte) in name.utf8.enumerated() { path[index + 1] = byte }
            return MemoryLayout<sa_family_t>.size + 1 + name.utf8.count
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(server, $0, socklen_t(length)) }
        }
        #expect(bound == 0 && listen(server, 4) == 0)
        let script = """
            import socket
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect('\\\\0\(name)')
                print('connected')
            except OSError as e:
                print(type(e).__name__)
            """
        #expect(try python(script, landlock: nil) == "connected")
        #expect(try python(script, landlock: .strongest(abi: abi)) == "PermissionError")
    }

    @Test func scopedDomainsSignalNothingOutside() throws {
        guard let abi = Self.abi, abi >= 6 else {
            print("SKIP LandlockTests: Landlock ABI 6 (scopes) is not available on this kernel")
            return
        }
        let (free, _) = try runShell("kill -0 \(getpid())")
        #expect(free.reason == .exited(0))
        let (scoped, output) = try runShell("kill -0 \(getpid())") { $0.landlock = .strongest(abi: abi) }
        #expect(scoped.reason == .exited(1), "kill -0 of the test process from a scoped domain: \(output)")
        let (own, _) = try runShell("kill -0 $$") { $0.landlock = .strongest(abi: abi) }
        #expect(own.reason == .exited(0), "a domain still signals itself")
    }

    @Test func handledNetworkDeniesTCP() throws {
        guard let abi = Self.abi, abi >= 4 else {
            print("SKIP LandlockTests: Landlock ABI 4 (network) is not available on this kernel")
            return
        }
        let script = """
            import socket
            s = socket.socket()
            try:
                s.bind(('127.0.0.1', 0))
                print('bound')
            except OSError as e:
                print(type(e).__name__)
            """
        #expect(try python(script, landlock: nil) == "bound")
        #expect(try python(script, landlock: .strongest(abi: abi)) == "PermissionError")
        #expect(try python(script, landlock: LandlockRestriction.strongest(abi: abi)?.allowingNetwork) == "bound")
    }
}
