import CWardenJail

#if canImport(Glibc)
import Glibc
#endif

/// The Landlock domain a worker enters before its seccomp filter: which of its reaches the
/// kernel scopes to the domain (ABI 6) and which network accesses it denies outright (ABI 4).
/// No filesystem access is handled: the mount namespace is that layer.
public struct LandlockRestriction: Sendable, Equatable {
    /// `LANDLOCK_SCOPE_*`: abstract Unix sockets and signals reach only processes of the same
    /// domain (a worker and its own children; every execution makes a domain of its own).
    public var scoped: UInt64
    /// `LANDLOCK_ACCESS_NET_*` handled with no rule: TCP bind and connect are denied.
    public var handledNetwork: UInt64

    public static let scopeAbstractUnixSocket: UInt64 = 1 << 0
    public static let scopeSignal: UInt64 = 1 << 1
    public static let netBindTCP: UInt64 = 1 << 0
    public static let netConnectTCP: UInt64 = 1 << 1

    public init(scoped: UInt64, handledNetwork: UInt64) {
        self.scoped = scoped
        self.handledNetwork = handledNetwork
    }

    /// The most this kernel's ABI can enforce of Warden's restriction (scopes from ABI 6, TCP
    /// from ABI 4); nil when it can enforce none of it.
    public static func strongest(abi: Int) -> LandlockRestriction? {
        let restriction = LandlockRestriction(
            scoped: abi >= 6 ? scopeAbstractUnixSocket | scopeSignal : 0,
            handledNetwork: abi >= 4 ? netBindTCP | netConnectTCP : 0
        )
        return restriction.isEmpty ? nil : restriction
    }

    /// The same restriction for a worker granted the network: its TCP is not denied.
    public var allowingNetwork: LandlockRestriction? {
        let restriction = LandlockRestriction(scoped: scoped, handledNetwork: 0)
        return restriction.isEmpty ? nil : restriction
    }

    public var isEmpty: Bool { scoped == 0 && handledNetwork == 0 }

    /// True when abstract Unix sockets are scoped: workers may then share a network namespace
    /// without reaching each other's abstract sockets.
    public var scopesAbstractSockets: Bool { scoped & Self.scopeAbstractUnixSocket != 0 }

    /// What is enforced, for the health report.
    public var summary: String {
        var parts: [String] = []
        if scoped & Self.scopeAbstractUnixSocket != 0 { parts.append("abstract Unix sockets scoped to the execution") }
        if scoped & Self.scopeSignal != 0 { parts.append("signals scoped to the execution") }
        if handledNetwork != 0 { parts.append("TCP bind and connect denied") }
        return parts.joined(separator: ", ")
    }
}

/// The kernel's Landlock support.
public enum Landlock {
    /// The ABI version the kernel offers, or the reason there is none.
    public static func abi() -> Result<Int, JailError> {
        let version = wj_landlock_abi()
        if version < 0 {
            let reason = -version == ENOSYS ? "not built into this kernel" : "disabled (not in the lsm= boot list)"
            return .failure(JailError(step: "probe Landlock: \(reason)", errno: -version))
        }
        return .success(Int(version))
    }
}
