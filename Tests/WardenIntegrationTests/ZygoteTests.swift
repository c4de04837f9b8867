import Foundation
import Testing
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The zygote through the real daemon (docs/zygote.md): executions run in workers it forked,
/// a zygote that dies is replaced without a failed execution, and `workers.zygotes = 0` spawns
/// every worker cold.
@Suite(.timeLimit(.minutes(2)))
struct ZygoteTests {
    @Test func executionsRunInWorkersTheZygoteForked() async throws {
        try #require(geteuid() == 0, "zygotes need a root daemon")
        try await withDaemon { daemon in
            let zygotes = AdversarialHost.zygotes(of: daemon)
            try #require(zygotes.count == 1, "one zygote by default, found \(zygotes)")
            let zygote = zygotes.first!
            // Seen from the host: the worker's own /proc is its PID namespace's view.
            // On a thread of its own: a blocking call on the (2-thread) cooperative pool can keep
            // other tests' tasks from running while it waits.
            let running = AdversarialHost.Background { Result { try run(daemon, "import time\ntime.sleep(3)\nprint('done')") } }
            // The running worker: a child of a zygote that no longer waits for a job. (On a
            // loaded machine the first zygote may have been replaced meanwhile: any of the
            // daemon's zygotes counts.)
            var seen = false
            let deadline = Date().addingTimeInterval(30)
            while !seen && Date() < deadline {
                let current = AdversarialHost.zygotes(of: daemon).union([zygote])
                seen = AdversarialHost.processes().contains { entry in
                    current.contains(entry.parent) && !RunningDaemon.isWaitingWarmWorker(entry.pid)
                }
                usleep(20_000)
            }
            let result = try running.wait().get()
            #expect(result.success, "\(result.errorSummary ?? "")")
            #expect(seen, "no running child of a zygote (first \(zygote)) was seen")
            #expect(daemon.log.contains("zygote ready"))
        }
    }

    @Test func aZygoteThatDiesIsReplacedAndNoExecutionFails() async throws {
        try #require(geteuid() == 0, "zygotes need a root daemon")
        try await withDaemon { daemon in
            let first = try #require(AdversarialHost.zygotes(of: daemon).first)
            #expect(try run(daemon, "print(1)").success)
            kill(first, SIGKILL)
            // Once it has exited (a zombie until the daemon reaps it, or gone), its waiting
            // workers died with it (PID 1 of their namespace): the next executions must not
            // notice. (One that took a worker in the moment the zygote died gets a retryable
            // system_error: docs/zygote.md.)
            let exited = Date().addingTimeInterval(5)
            while Date() < exited, let state = Self.state(of: first), state != "Z" { usleep(5_000) }
            for index in 0..<5 {
                let result = try run(daemon, "print(\(index))")
                #expect(result.success, "execution \(index) after the zygote died: \(result.errorSummary ?? "")")
                #expect(result.executionResult.stdout == "\(index)\n")
            }
            var replacement: Set<Int32> = []
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline {
                replacement = AdversarialHost.zygotes(of: daemon)
                if !replacement.isEmpty && !replacement.contains(first) { break }
                _ = try? run(daemon, "pass")
                usleep(200_000)
            }
            #expect(!replacement.isEmpty && !replacement.contains(first), "no new zygote after \(first) died")
            #expect(daemon.log.contains("a zygote ended; starting a new one"))
            #expect(daemon.workerProcesses().isEmpty)
        }
    }

    /// The zygote runs as a sandbox uid: when it cannot reach the state directory (an ancestor
    /// closed to others), its root and harness come from /run/warden-zygote instead.
    @Test func aZygoteStartsWhenTheStateDirectoryIsOutOfItsReach() async throws {
        try #require(geteuid() == 0, "zygotes need a root daemon")
        try await withDaemon { daemon in
            let first = try #require(AdversarialHost.zygotes(of: daemon).first)
            #expect(chmod(daemon.directory, 0o700) == 0)
            kill(first, SIGKILL)
            var replacement: Set<Int32> = []
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline {
                _ = try? run(daemon, "pass")
                replacement = AdversarialHost.zygotes(of: daemon)
                if !replacement.isEmpty && !replacement.contains(first) { break }
                usleep(200_000)
            }
            #expect(!replacement.isEmpty && !replacement.contains(first), "no zygote started after \(first) died")
            #expect(!daemon.log.contains("could not start a zygote"), "\(daemon.log.suffix(600))")
            let result = try run(daemon, "print('reached')")
            #expect(result.executionResult.stdout == "reached\n", "\(result.errorSummary ?? "")")
        }
    }

    @Test func withoutZygotesEveryWorkerIsSpawnedCold() async throws {
        try await withDaemon(environment: ["WARDEN_WORKERS_ZYGOTES": "0"]) { daemon in
            #expect(AdversarialHost.zygotes(of: daemon).isEmpty)
            let result = try run(daemon, "import os\nprint(os.getpid())", extra: ["security_level": "permissive"])
            #expect(result.success, "\(result.errorSummary ?? "")")
            #expect(result.executionResult.stdout == "1\n")
        }
    }

    /// Zygote workers share the zygote's network namespace where Landlock scopes abstract
    /// sockets (the adversarial pair_abstract_socket_* scripts show they still cannot meet);
    /// `workers.network_namespace_per_execution` gives each its own.
    @Test(arguments: [false, true])
    func networkNamespacesFollowTheSetting(perExecution: Bool) async throws {
        try #require(geteuid() == 0, "zygotes need a root daemon")
        let environment = perExecution ? ["WARDEN_WORKERS_NETWORK_NAMESPACE_PER_EXECUTION": "true"] : [:]
        try await withDaemon(environment: environment) { daemon in
            var namespaces: [String] = []
            for _ in 0..<3 {
                let result = try run(
                    daemon, "import os\nprint(os.readlink('/proc/self/ns/net'))", extra: ["security_level": "permissive"]
                )
                #expect(result.success, "\(result.errorSummary ?? "")")
                namespaces.append(result.executionResult.stdout)
            }
            let host = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")) ?? ""
            #expect(!namespaces.contains(host + "\n"), "an execution in the host's network namespace")
            // The daemon's health says whether the kernel scopes abstract sockets.
            let health = try daemon.client.get("/v1/health")
            let scoped = String(decoding: health.body, as: UTF8.self).contains("abstract Unix sockets scoped")
            if perExecution || !scoped {
                #expect(Set(namespaces).count == 3, "\(namespaces)")
            } else {
                #expect(Set(namespaces).count == 1, "\(namespaces)")
            }
        }
    }

    /// The state letter of /proc/PID/stat, nil when the process is gone.
    static func state(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").first.map(String.init)
    }

    static func parent(of pid: Int32) -> Int32 {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) ?? 0 : 0
    }
}
