import ArgumentParser
import Foundation
import WardenPolicy

/// `warden token issue|inspect`: capability tokens, signed with the daemon's key.
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue and inspect capability tokens.",
        subcommands: [Issue.self, Inspect.self]
    )

    struct KeyOptions: ParsableArguments {
        @Option(
            name: .customLong("state-dir"),
            help: "The daemon's state directory (default: WARDEN_STATE_DIR, else STATE_DIRECTORY, else /var/lib/warden when it exists, else ./.warden/state)."
        )
        var stateDirectory: String?

        var keyDirectory: String {
            let environment = ProcessInfo.processInfo.environment
            let state =
                stateDirectory ?? environment["WARDEN_STATE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
                ?? environment["STATE_DIRECTORY"].flatMap { $0.isEmpty ? nil : String($0.split(separator: ":")[0]) }
                ?? (FileManager.default.fileExists(atPath: "/var/lib/warden") ? "/var/lib/warden" : "./.warden/state")
            return state + "/keys"
        }

        /// The key named `id`, else the most recently created key file.
        func key(id: String?) throws -> CapabilityKey {
            let directory = keyDirectory
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
                throw ValidationError("could not read the key directory \(directory) (start wardend once to create it; reading it needs the daemon's user or root)")
            }
            let candidates = names.filter { $0.hasSuffix(".key") }
            let chosen: String?
            if let id {
                chosen = candidates.first { $0 == id + ".key" }
            } else {
                func created(_ name: String) -> Date {
                    ((try? FileManager.default.attributesOfItem(atPath: "\(directory)/\(name)"))?[.modificationDate] as? Date) ?? .distantPast
                }
                chosen = candidates.max { (created($0), $0) < (created($1), $1) }
            }
            guard let chosen else {
                throw ValidationError(id.map { "no key '\($0)' in \(directory)" } ?? "no key in \(directory)")
            }
            let path = "\(directory)/\(chosen)"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("could not read \(path) (it is mode 0600: run as the daemon's user or root)")
            }
            do {
                return try CapabilityKey.parseFile(id: String(chosen.dropLast(4)), text: text)
            } catch {
                throw ValidationError("\(path): \(error)")
            }
        }
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a token granting capabilities; prints it on standard output.",
            discussion: """
                Capabilities: import:MODULE, file.read:GLOB, file.write:GLOB, network:HOST[:PORT], subprocess, \
                threads:N, limits.memory_mb:N, limits.timeout_seconds:N (docs/security.md).
                Example: warden token issue --cap import:numpy --cap file.read:/data/* --ttl 1h --for-uid 1000
                """
        )

        @OptionGroup var keys: KeyOptions

        @Option(name: .customLong("cap"), help: "A capability to grant (repeat for several).")
        var capabilities: [String] = []

        @Option(name: .long, help: "Lifetime: seconds, or a number with s, m, h or d (at most 366d).")
        var ttl: String = "1h"

        @Option(name: .customLong("for-uid"), help: "Only this caller uid may use the token.")
        var uid: UInt32?

        @Option(name: .customLong("for-gid"), help: "Only members of this group may use the token.")
        var gid: UInt32?

        @Flag(name: .customLong("for-anyone"), help: "Anyone who can reach the socket may use the token.")
        var anyone = false

        @Option(name: .customLong("key-id"), help: "The key to sign with (default: the newest).")
        var keyID: String?

        func validate() throws {
            if [uid != nil, gid != nil, anyone].filter({ $0 }).count != 1 {
                throw ValidationError("say who may use the token: exactly one of --for-uid, --for-gid, --for-anyone")
            }
            if capabilities.isEmpty { throw ValidationError("grant at least one capability with --cap") }
            if capabilities.count > CapabilityToken.maxCapabilities {
                throw ValidationError("at most \(CapabilityToken.maxCapabilities) capabilities per token")
            }
        }

        func run() throws {
            var parsed: [Capability] = []
            for text in capabilities {
                do {
                    parsed.append(try Capability.parse(text))
                } catch {
                    throw ValidationError(error.description)
                }
            }
            guard let lifetime = Self.seconds(ttl), lifetime > 0, lifetime <= CapabilityToken.maxLifetimeSeconds else {
                throw ValidationError("--ttl '\(ttl)': expected a duration such as 3600, 30m, 1h or 7d, at most 366d")
            }
            let subject: TokenSubject = uid.map { .uid($0) } ?? gid.map { .gid($0) } ?? .anyone
            let key = try keys.key(id: keyID)
            var generator = SystemRandomNumberGenerator()
            let now = Int64(Date().timeIntervalSince1970)
            let token = CapabilityToken(
                keyID: key.id, id: CapabilityToken.newID(using: &generator), subject: subject, issuedAt: now,
                expiresAt: now + lifetime, capabilities: parsed
            )
            print(token.signed(with: key))
            FileHandle.standardError.write(
                Data("token \(token.id) for \(subject), expires \(Inspect.date(token.expiresAt)), key \(key.id)\n".utf8)
            )
        }

        /// "90", "30m", "1h", "7d" → seconds.
        static func seconds(_ text: String) -> Int64? {
            let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
            if let last = text.last, let unit = units[last] {
                return Int64(text.dropLast()).map { $0 * unit }
            }
            return Int64(text)
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a token grants, to whom and until when; checks its signature when the key is readable."
        )

        @OptionGroup var keys: KeyOptions

        @Argument(help: "The token.")
        var token: String

        func run() throws {
            let decoded: CapabilityToken
            do {
                decoded = try CapabilityToken.decodeUnverified(token.trimmingCharacters(in: .whitespacesAndNewlines))
            } catch {
                print("invalid token: \(error.message)")
                throw ExitCode(1)
            }
            let now = Int64(Date().timeIntervalSince1970)
            var signature = "not checked (the key \(decoded.keyID) is not readable here)"
            var valid = true
            if let key = try? keys.key(id: decoded.keyID) {
                do {
                    _ = try CapabilityToken.verify(token, keys: CapabilityKeyring([key]))
                    signature = "valid (key \(key.id))"
                } catch {
                    signature = "INVALID: \(error.message)"
                    valid = false
                }
            }
            print("id:           \(decoded.id)")
            print("subject:      \(decoded.subject)")
            print("issued:       \(Self.date(decoded.issuedAt))")
            print("expires:      \(Self.date(decoded.expiresAt))\(decoded.expiresAt <= now ? " (EXPIRED)" : "")")
            print("key:          \(decoded.keyID)")
            print("signature:    \(signature)")
            print("capabilities:")
            for capability in decoded.capabilities { print("  \(capability)") }
            if !valid || decoded.expiresAt <= now { throw ExitCode(1) }
        }

        static func date(_ seconds: Int64) -> String {
            let formatter = ISO8601DateFormatter()
            return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        }
    }
}
