import Foundation
import WardenJail
import WardenPolicy

#if canImport(Glibc)
import Glibc
#endif

/// The kernel layers one execution's capability grants call for, on top of the default
/// profile every worker gets (`Confinement`):
///
/// | grant | layer |
/// | --- | --- |
/// | `file.read:GLOB` | the glob's literal prefix bound read-only at the same path |
/// | `file.write:GLOB` | the glob's literal prefix bound read-write at the same path |
/// | `network:…` | no network namespace (the host's), stage-1 seccomp allows every socket family |
/// | `subprocess` | stage-2 seccomp allows `execve`/`execveat` |
///
/// A non-default profile is never served from the warm pool: its worker is spawned for the
/// execution (`WorkerFactory.spawn(warm:profile:)`).
public struct ConfinementProfile: Sendable, Equatable {
    /// Host paths (resolved, existing) bound read-only.
    public var readOnlyPaths: [String] = []
    /// Host paths (resolved, existing) bound read-write.
    public var readWritePaths: [String] = []
    public var allowNetwork = false
    public var allowSubprocess = false

    /// What every worker gets: the pool's profile.
    public static let standard = ConfinementProfile()

    public var isStandard: Bool { self == .standard }

    /// Host paths no grant may reach, whatever a token says: the kernel's pseudo-filesystems,
    /// the sandbox's own layout (where a bind would shadow or escape it), and the root.
    static let forbiddenRoots = [
        "/proc", "/sys", "/dev", "/run", "/boot", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
        "/tmp", "/work", "/var/run",
    ]

    /// Mount operations (a directory per path component, and the bind) file grants may take;
    /// the default view and the network files take the rest of `Spawner.maxMountOperations`.
    static let maxGrantedMountOperations = 64

    /// Host files a worker with a network grant also sees, read-only.
    static let networkFiles = ["/etc/resolv.conf", "/etc/hosts", "/etc/gai.conf", "/etc/ssl"]

    /// The profile for `grants`. Throws (a 403 for the caller) when a granted path does not
    /// exist, or is or contains something no execution may see: `protected` (the daemon's
    /// state directory and socket) and `forbiddenRoots`.
    public static func make(grants: CapabilityGrants, protected: [String]) throws(TokenRefusal) -> ConfinementProfile {
        var profile = ConfinementProfile()
        profile.allowNetwork = !grants.network.isEmpty
        profile.allowSubprocess = grants.subprocess
        // Resolved only when there is a path to check against them (a realpath per component).
        let protectedResolved =
            grants.readPaths.isEmpty && grants.writePaths.isEmpty
            ? [] : protected.map { resolve($0) ?? ($0 as NSString).standardizingPath }
        // Each granted path costs a mount point per component in the worker's root; the shim
        // performs a bounded number of operations.
        let cost = (grants.readPaths + grants.writePaths).reduce(0) { $0 + $1.literalPrefix.split(separator: "/").count + 1 }
        guard cost <= maxGrantedMountOperations else {
            throw TokenRefusal(
                .forbiddenGrant,
                "the file grants need \(cost) mount operations; at most \(maxGrantedMountOperations) are possible (grant fewer or shallower paths)"
            )
        }
        for (paths, writable) in [(grants.readPaths, false), (grants.writePaths, true)] {
            for path in paths {
                let kind = writable ? "file.write" : "file.read"
                guard let resolved = resolve(path.literalPrefix) else {
                    throw TokenRefusal(
                        .forbiddenGrant,
                        "\(kind):\(path.pattern) grants \(path.literalPrefix), which does not exist on this host (the kernel can only bind existing paths)"
                    )
                }
                if resolved == "/" || resolved == "/etc" {
                    throw TokenRefusal(.forbiddenGrant, "\(kind):\(path.pattern) would grant \(resolved) whole; grant a directory below it")
                }
                for guarded in protectedResolved where within(resolved, guarded) || within(guarded, resolved) {
                    throw TokenRefusal(
                        .forbiddenGrant,
                        "\(kind):\(path.pattern) resolves to \(resolved), which is or holds the daemon's own files (\(guarded))"
                    )
                }
                for root in forbiddenRoots where within(resolved, root) {
                    throw TokenRefusal(
                        .forbiddenGrant,
                        "\(kind):\(path.pattern) resolves to \(resolved), under \(root), which no grant may reach (kernel interfaces or the sandbox's own layout)"
                    )
                }
                if writable {
                    profile.readWritePaths.append(resolved)
                } else {
                    profile.readOnlyPaths.append(resolved)
                }
            }
        }
        // Name resolution and certificates, for a worker that may use the network. A file that
        // is a symlink on the host (systemd-resolved's stub) is left out: its target lies
        // outside the sandbox's view (docs/security.md).
        if profile.allowNetwork {
            for path in networkFiles where resolve(path) == path {
                profile.readOnlyPaths.append(path)
            }
        }
        // A path granted for writing is not bound a second time read-only.
        profile.readOnlyPaths = Array(Set(profile.readOnlyPaths).subtracting(profile.readWritePaths)).sorted()
        profile.readWritePaths = Array(Set(profile.readWritePaths)).sorted()
        return profile
    }

    /// The namespaces of a worker with this profile.
    func namespaces(base: Namespaces) -> Namespaces {
        allowNetwork ? base.subtracting(.network) : base
    }

    /// The Landlock domain: the confinement's, without the TCP denial when the network is granted.
    func landlock(_ confinement: Confinement) -> LandlockRestriction? {
        allowNetwork ? confinement.landlock?.allowingNetwork : confinement.landlock
    }

    /// The stage-1 program: the confinement's own unless the network is granted.
    func stage1(_ confinement: Confinement) throws -> SeccompProgram {
        allowNetwork ? try SeccompCompiler.compile(.stage1(allowNetwork: true)) : confinement.stage1
    }

    /// The stage-2 program: the confinement's own unless processes may be started.
    func stage2(_ confinement: Confinement) throws -> SeccompProgram {
        allowSubprocess ? try SeccompCompiler.compile(.stage2(allowSubprocess: true)) : confinement.stage2
    }

    /// The real path (symlinks resolved), nil when it does not exist.
    static func resolve(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether `path` is `root` or below it.
    static func within(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }
}
