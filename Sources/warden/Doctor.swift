import ArgumentParser
import Foundation
import WardenClient
import WardenProtocol

/// `warden doctor`: what this host offers the sandbox, checked locally, and — when the daemon
/// answers — the layers it actually applies. Exits non-zero when a required layer is off.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check this host's sandboxing support and the daemon's active confinement layers."
    )

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        var problems = 0
        print("host")
        for check in HostChecks.all() {
            print("  [\(check.ok ? "ok " : "off")] \(check.name): \(check.detail)")
            if !check.ok && check.required { problems += 1 }
        }
        print("daemon")
        do {
            let response = try connection.client.get("/v1/health")
            let health = try JSONDecoder().decode(HealthReport.self, from: Data(response.body))
            print("  wardend \(health.version) (\(health.status)), python \(health.python)")
            for layer in health.layers {
                print("  [\(layer.active ? "on " : "off")] \(layer.name): \(layer.detail)")
                if !layer.active && ["seccomp", "namespaces", "filesystem", "capabilities"].contains(layer.name) {
                    problems += 1
                }
            }
        } catch {
            print("  [off] not reachable at \(connection.client.socketPath): \(error)")
        }
        if problems > 0 {
            print("\(problems) required layer(s) missing")
            throw ExitCode(1)
        }
    }
}

/// Local facts about the host, read from /proc and /sys; no privileges needed.
enum HostChecks {
    struct Check {
        var name: String
        var ok: Bool
        var detail: String
        var required: Bool
    }

    static func all() -> [Check] {
        [kernel(), python(), seccomp(), userNamespaces(), cgroups()]
    }

    private static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func kernel() -> Check {
        let release = read("/proc/sys/kernel/osrelease") ?? "unknown"
        let parts = release.split(separator: ".").compactMap { Int($0.prefix { $0.isNumber }) }
        let recent = parts.count >= 2 && (parts[0] > 5 || (parts[0] == 5 && parts[1] >= 9))
        return Check(
            name: "kernel", ok: recent,
            detail: recent ? "Linux \(release) (clone3, pidfd, close_range)" : "Linux \(release): 5.9 or newer is needed",
            required: true
        )
    }

    static func python() -> Check {
        let path = ProcessInfo.processInfo.environment["WARDEN_PYTHON"] ?? "/usr/bin/python3"
        let ok = FileManager.default.isExecutableFile(atPath: path)
        return Check(name: "python", ok: ok, detail: ok ? path : "\(path) is missing (set WARDEN_PYTHON)", required: true)
    }

    static func seccomp() -> Check {
        let status = read("/proc/self/status") ?? ""
        let ok = status.contains("Seccomp:")
        let actions = read("/proc/sys/kernel/seccomp/actions_avail") ?? "unknown actions"
        return Check(
            name: "seccomp", ok: ok, detail: ok ? "filter mode available (\(actions))" : "the kernel has no seccomp",
            required: true
        )
    }

    static func userNamespaces() -> Check {
        let maximum = Int(read("/proc/sys/user/max_user_namespaces") ?? "") ?? 0
        let debianSwitch = read("/proc/sys/kernel/unprivileged_userns_clone")
        let ok = maximum > 0 && debianSwitch != "0"
        var detail = "max_user_namespaces=\(maximum)"
        if let debianSwitch { detail += ", unprivileged_userns_clone=\(debianSwitch)" }
        detail += ok ? " (needed only when wardend runs without root)" : ": wardend must run as root"
        return Check(name: "user_namespaces", ok: ok, detail: detail, required: false)
    }

    static func cgroups() -> Check {
        let mounts = read("/proc/self/mounts") ?? ""
        var found: [String] = []
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 4 else { continue }
            if fields[2] == "cgroup2" {
                let controllers = read(String(fields[1]) + "/cgroup.controllers") ?? ""
                found.append("v2 at \(fields[1]) [\(controllers)]")
            } else if fields[2] == "cgroup", fields[3].contains("memory") || fields[3].contains("pids") {
                found.append("v1 \(fields[1])")
            }
        }
        return Check(
            name: "cgroups", ok: !found.isEmpty,
            detail: found.isEmpty ? "no cgroup hierarchy mounted" : found.joined(separator: "; "), required: false
        )
    }
}
