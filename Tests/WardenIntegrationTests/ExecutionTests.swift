import Foundation
import Testing
import WardenClient
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The walking skeleton's promises, through the real daemon on a real socket.
@Suite(.timeLimit(.minutes(2)))
struct ExecutionTests {
    @Test func printHelloSucceeds() async throws {
        try await withDaemon { daemon in
            let result = try run(daemon, "print('hello')")
            #expect(result.success)
            #expect(result.executionResult.stdout == "hello\n")
            #expect(result.executionResult.exitCode == 0)
            #expect(result.errorCategory == nil)
            #expect(result.executionId.hasPrefix("exec_"))
            #expect(result.limits.timeoutSeconds == 30)
        }
    }

    @Test func finalExpressionIsTheReturnValue() async throws {
        try await withDaemon { daemon in
            let result = try run(daemon, "x = 6\ny = 7\nx * y")
            #expect(result.success)
            #expect(result.executionResult.returnValue == .int(42))
            #expect(result.executionResult.variables["x"] == .int(6))
        }
    }

    @Test func nameErrorMatchesCPython() async throws {
        let code = "total = 10\ncount = 2\nprint(totl / count)\n"
        let expected = try ReferencePython.traceback(for: code)
        try await withDaemon { daemon in
            let result = try run(daemon, code)
            #expect(!result.success)
            #expect(result.errorCategory == .runtimeError)
            let exception = try #require(result.executionResult.exceptionInfo)
            #expect(exception.type == "NameError")
            #expect(result.errorDetails?.lineNumber == 3)
            #expect(exception.fullTraceback == expected)
            #expect(exception.traceback.last?.lineNumber == 3)
            #expect(exception.traceback.last?.codeLine == "print(totl / count)")
            #expect(result.errorSummary?.contains("line 3") == true)
        }
    }

    @Test func assignmentInConditionIsASyntaxError() async throws {
        try await withDaemon { daemon in
            let result = try run(daemon, "x = 1\nif x = 5:\n    print(x)\n")
            #expect(!result.success)
            #expect(result.errorCategory == .syntaxError)
            #expect(result.errorDetails?.lineNumber == 2)
            #expect(result.errorDetails?.columnNumber == 4)
            #expect(result.executionResult.exitCode == 1)
        }
    }

    @Test func wallClockTimeoutKillsEverything() async throws {
        try await withDaemon { daemon in
            let started = Date()
            let result = try run(daemon, "while True:\n    pass\n", extra: ["limits": ["timeout_seconds": 1]])
            let elapsed = Date().timeIntervalSince(started)
            #expect(result.errorCategory == .timeoutError)
            #expect(result.errorDetails?.limitKind == .wall)
            #expect(result.errorDetails?.timeoutLimit == 1)
            #expect(elapsed < 1.5, "answered after \(elapsed) s")
            #expect(daemon.workerProcesses().isEmpty)
        }
    }

    /// Guards the process checks of the other tests: a running worker is seen, an ended one is not.
    @Test func workerProcessesAreSeenWhileRunningAndGoneAfter() async throws {
        try await withDaemon { daemon in
            // The execution on a thread of its own, the sampling on this one: neither waits for a
            // slot of the cooperative pool, which other tests' blocking calls may hold.
            let finished = AdversarialHost.Background { Result { try run(daemon, "import time\ntime.sleep(3)\nprint('done')") } }
            // Sample until the worker is seen (however slow a loaded machine makes it).
            var seen = false
            let deadline = Date().addingTimeInterval(30)
            while !seen && Date() < deadline {
                seen = !daemon.workerProcesses().isEmpty
                if !seen { usleep(10_000) }
            }
            let result = try finished.wait().get()
            #expect(seen, "the running worker was never seen")
            #expect(result.executionResult.stdout == "done\n")
            #expect(daemon.workerProcesses().isEmpty)
        }
    }

    /// A kill-listed system call ends the worker with SIGSYS; the kernel's audit record names it.
    /// (reboot with a wrong magic number: EINVAL and no effect if it were ever unfiltered.)
    @Test(.timeLimit(.minutes(1))) func seccompKillNamesTheSystemCall() async throws {
        try await withDaemon { daemon in
            // The kernel rate-limits its audit records (about ten per five seconds when no
            // auditd runs), and other tests kill workers too: try a few times, five seconds apart.
            var named = false
            for attempt in 0..<4 where !named {
                if attempt > 0 { try await Task.sleep(for: .seconds(5)) }
                let result = try run(
                    daemon, "import ctypes\nctypes.CDLL(None).syscall(169, 0, 0, 0, 0)\nprint('not killed')",
                    extra: ["security_level": "permissive"]
                )
                #expect(result.errorCategory == .securityError)
                #expect(result.executionResult.signal == "SIGSYS")
                #expect(result.errorDetails?.violationType == "syscall")
                named = result.errorDetails?.attemptedAction?.contains("reboot") == true
            }
            #expect(named, "no attempt named the call: the kernel's audit record was never found")
        }
    }

    @Test func memoryBombIsAMemoryError() async throws {
        try await withDaemon { daemon in
            let result = try run(daemon, "data = bytearray(10**9)\n", extra: ["limits": ["memory_mb": 100]])
            #expect(result.errorCategory == .memoryError)
            #expect(result.errorDetails?.memoryLimit == "100MB")
        }
    }

    @Test func outputBeyondTheLimitIsTruncatedNotFatal() async throws {
        try await withDaemon { daemon in
            let result = try run(
                daemon, "for i in range(20000):\n    print('x' * 99)\nprint('done')",
                extra: ["limits": ["max_output_bytes": 10000]]
            )
            #expect(result.success)
            #expect(result.executionResult.stdoutTruncated)
            #expect(result.executionResult.stdout.utf8.count == 10000)
        }
    }

    @Test func stdinAndFilesReachTheScript() async throws {
        try await withDaemon { daemon in
            let result = try run(
                daemon, "import sys\nprint(sys.stdin.read().upper())\nprint(open('data/in.csv').read())",
                extra: ["stdin": "abc", "files": ["data/in.csv": "a,b\n1,2"], "security_level": "standard"]
            )
            #expect(result.success, "\(result.errorSummary ?? "")")
            #expect(result.executionResult.stdout == "ABC\na,b\n1,2\n")
        }
    }

    @Test func limitsAreClampedToTheServerMaxima() async throws {
        try await withDaemon { daemon in
            let result = try run(daemon, "pass", extra: ["limits": ["timeout_seconds": 100000, "memory_mb": 64]])
            #expect(result.limits.timeoutSeconds == 300)
            #expect(result.limits.memoryMB == 64)
        }
    }

    @Test func workDirectoryIsRemovedAfterwards() async throws {
        try await withDaemon { daemon in
            let result = try run(daemon, "open('left.txt', 'w').write('x')", extra: ["security_level": "standard"])
            #expect(result.success, "\(result.errorSummary ?? "")")
            let work = (try? FileManager.default.contentsOfDirectory(atPath: daemon.stateDirectory + "/work")) ?? []
            #expect(work.isEmpty)
        }
    }
}
