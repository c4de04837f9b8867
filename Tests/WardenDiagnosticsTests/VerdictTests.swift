import Testing
import WardenProtocol

@testable import WardenDiagnostics

@Suite("Category decision and reconciliation with the kernel")
struct VerdictTests {
    @Test func successWithReturnValueAndVariables() {
        let report = HarnessReport(
            status: .ok, returnValue: .int(42), variables: ["x": .int(42)], totalStatements: 2,
            completedStatements: 2, statementLines: [[1, 1], [2, 2]],
            warnings: [WarningRecord(category: "DeprecationWarning", message: "old", lineNumber: 1)])
        let facts = Fixture.facts(code: "x = 42\nx", stdout: "", report: report)
        let result = Diagnostics.result(for: facts)
        #expect(result.success)
        #expect(result.errorCategory == nil)
        #expect(result.errorDetails == nil)
        #expect(result.partialResults == nil)
        #expect(result.recoveryOptions == nil)
        #expect(result.retryable == false)
        #expect(result.executionResult.returnValue == .int(42))
        #expect(result.executionResult.variables == ["x": .int(42)])
        #expect(result.executionResult.exitCode == 0)
        #expect(result.executionResult.memoryUsed == "9MB")
        #expect(result.executionResult.warnings.count == 1)
        #expect(result.assignedBy == "ray")
        #expect(result.executionId == "exec_test")
        #expect(result.limits == Fixture.limits)
    }

    @Test func exitZeroWithoutReportIsSuccess() {
        // `os._exit(0)` skips the harness's report: the kernel says the run ended cleanly.
        let facts = Fixture.facts(code: "import os\nprint('hi')\nos._exit(0)", stdout: "hi\n", observation: Fixture.exited(0))
        let result = Diagnostics.result(for: facts)
        #expect(result.success)
        #expect(result.executionResult.variables.isEmpty)
        #expect(result.executionResult.stdout == "hi\n")
        #expect(result.executionResult.warnings.isEmpty)
    }

    @Test func nonZeroExitWithoutReportIsRuntimeError() {
        let facts = Fixture.facts(code: "import os\nos._exit(3)", observation: Fixture.exited(3))
        let result = Diagnostics.result(for: facts)
        #expect(!result.success)
        #expect(result.errorCategory == .runtimeError)
        #expect(result.errorSummary == "The process exited with status 3")
        #expect(result.executionResult.exitCode == 3)
        #expect(result.errorDetails?.contributingFactors?.contains { $0.contains("os._exit") } == true)
    }

    @Test func forgedOkReportIsOverriddenByWallTimeout() {
        // The user's code wrote a fake "ok" report, then hung; the supervisor killed it.
        let report = HarnessReport(status: .ok, variables: ["fake": .bool(true)])
        var observation = Fixture.signalled(9, wall: 30.01, cpu: 29.9)
        observation.wallTimeoutHit = true
        let facts = Fixture.facts(code: "while True:\n    pass\n", stdout: "working\n", observation: observation, report: report)
        let result = Diagnostics.result(for: facts)
        #expect(!result.success)
        #expect(result.errorCategory == .timeoutError)
        #expect(result.errorDetails?.limitKind == .wall)
        #expect(result.errorDetails?.timeoutLimit == 30)
        #expect(result.errorDetails?.executionTime == 30.01)
        #expect(result.errorDetails?.partialOutput == "working\n")
        #expect(result.errorDetails?.errorMessage == "Code execution exceeded 30 second timeout")
        #expect(result.executionResult.signal == "SIGKILL")
        #expect(result.executionResult.exitCode == nil)
        #expect(result.executionResult.variables.isEmpty, "a report contradicted by the kernel is ignored")
        #expect(result.errorDetails?.contributingFactors?.contains("'while True' loop on line 1 has no 'break' or 'return'") == true)
        #expect(result.errorDetails?.context == "The 'while True' loop on line 1 never ends: the code was still running when the 30s wall-clock limit passed")
    }

    @Test func forgedOkReportWithNonZeroExitIsRuntimeError() {
        let report = HarnessReport(status: .ok, variables: ["x": .int(1)])
        let facts = Fixture.facts(code: "x = 1", observation: Fixture.exited(2), report: report)
        let result = Diagnostics.result(for: facts)
        #expect(!result.success)
        #expect(result.errorCategory == .runtimeError)
        #expect(result.errorSummary == "The process exited with status 2")
    }

    @Test func failureReportWithExitZeroIsIgnored() {
        let facts = Fixture.nameError()
        var clean = facts
        clean.observation = Fixture.exited(0)
        #expect(Diagnostics.result(for: clean).success)
    }

    @Test func timeoutReportCarriesLastLine() {
        let report = HarnessReport(
            status: .timeout, variables: ["i": .int(5)], totalStatements: 3, completedStatements: 1,
            statementLines: [[1, 1], [2, 4], [5, 5]], lastLine: 3)
        var observation = Fixture.signalled(9, wall: 30.2, cpu: 30.1)
        observation.wallTimeoutHit = true
        let code = "i = 0\nwhile i < 10:\n    i = i * 1\n    print(i)\nprint('done')"
        let result = Diagnostics.result(for: Fixture.facts(code: code, observation: observation, report: report))
        #expect(result.errorCategory == .timeoutError)
        #expect(result.errorDetails?.lastExecutedLine == 3)
        #expect(result.errorDetails?.lineNumber == 3)
        #expect(result.errorDetails?.context == "The loop on line 2 ('while i < 10:') was still running when the 30s wall-clock limit passed")
        #expect(result.errorSummary == "ExecutionTimeout on line 3: Code execution exceeded 30 second timeout")
        #expect(result.partialResults?.completedLines == 1)
        #expect(result.partialResults?.successfulOperations == ["line 1: i = 0"])
    }

    @Test func cpuLimitFromSigxcpuAndFromSigkillAtTheLimit() {
        let xcpu = Diagnostics.result(for: Fixture.facts(code: "x = 0", observation: Fixture.signalled(24, wall: 31, cpu: 30)))
        #expect(xcpu.errorCategory == .timeoutError)
        #expect(xcpu.errorDetails?.limitKind == .cpu)
        #expect(xcpu.errorDetails?.timeoutLimit == 30)
        #expect(xcpu.errorDetails?.executionTime == 30)

        let kill = Diagnostics.result(for: Fixture.facts(code: "x = 0", observation: Fixture.signalled(9, wall: 31, cpu: 29.97)))
        #expect(kill.errorDetails?.limitKind == .cpu)

        let soft = HarnessReport(status: .timeout, lastLine: 1)
        let reported = Diagnostics.result(
            for: Fixture.facts(code: "x = 0", observation: Fixture.exited(124, wall: 30.2, cpu: 30.01), report: soft)
        )
        #expect(reported.errorCategory == .timeoutError)
        #expect(reported.errorDetails?.limitKind == .cpu)
        #expect(reported.errorDetails?.lastExecutedLine == 1)
    }

    /// The user's code can write a timeout report itself; without the CPU time to back it, the
    /// kernel's exit status decides.
    @Test func forgedTimeoutReportIsNotBelieved() {
        let forged = HarnessReport(status: .timeout, lastLine: 1)
        let result = Diagnostics.result(
            for: Fixture.facts(code: "x = 0", observation: Fixture.exited(124, wall: 0.02, cpu: 0.01), report: forged)
        )
        #expect(result.errorCategory == .runtimeError)
        #expect(result.executionResult.exitCode == 124)
        #expect(result.errorDetails?.limitKind == nil)
    }

    @Test func oomKillIsMemoryError() {
        var observation = Fixture.signalled(9, peak: 110_100_480)
        observation.oomKilled = true
        let result = Diagnostics.result(for: Fixture.facts(code: "a = [0] * 10**9", observation: observation))
        #expect(result.errorCategory == .memoryError)
        #expect(result.errorDetails?.errorType == "MemoryError")
        #expect(result.errorDetails?.errorMessage == "Memory limit of 100MB exceeded")
        #expect(result.errorDetails?.memoryLimit == "100MB")
        #expect(result.errorDetails?.memoryLimitBytes == 104_857_600)
        #expect(result.errorDetails?.memoryUsed == "105MB")
        #expect(result.errorDetails?.memoryUsedBytes == 110_100_480)
        #expect(result.errorDetails?.suggestions.contains("Process data in smaller chunks") == true)
    }

    @Test func sigkillNearTheMemoryCeilingIsMemoryError() {
        let result = Diagnostics.result(for: Fixture.facts(code: "x = 1", observation: Fixture.signalled(9, peak: 99_000_000)))
        #expect(result.errorCategory == .memoryError)
        let low = Diagnostics.result(for: Fixture.facts(code: "x = 1", observation: Fixture.signalled(9, peak: 9_000_000)))
        #expect(low.errorCategory == .runtimeError)
        #expect(low.errorSummary == "The process was killed by signal SIGKILL")
    }

    @Test func pythonMemoryErrorIsMemoryErrorWithLine() {
        let frames = [Fixture.frame(2, "data = [0] * (10**10)", column: 8, endColumn: 22)]
        let exception = HarnessException(
            type: "MemoryError", qualifiedType: "MemoryError", message: "", frames: frames,
            fullTraceback: Fixture.traceback(frames, "MemoryError"))
        let report = Fixture.exceptionReport(exception, total: 2, completed: 1)
        let facts = Fixture.facts(code: "x = 1\ndata = [0] * (10**10)", observation: Fixture.exited(1, peak: 60_000_000), report: report)
        let result = Diagnostics.result(for: facts)
        #expect(result.errorCategory == .memoryError)
        #expect(result.errorDetails?.lineNumber == 2)
        #expect(result.errorSummary == "MemoryError on line 2: Memory limit of 100MB exceeded")
        #expect(result.errorDetails?.memoryUsed == "57.2MB")
        #expect(result.errorDetails?.contributingFactors?.first?.hasPrefix("Line 2 builds a very large object") == true)
    }

    @Test func systemFailureIsRetryable() {
        let facts = Fixture.facts(code: "x = 1", observation: ProcessObservation(), systemFailure: "clone3 failed: EAGAIN")
        let result = Diagnostics.result(for: facts)
        #expect(result.errorCategory == .systemError)
        #expect(result.retryable)
        #expect(result.errorSummary == "SandboxError: clone3 failed: EAGAIN")
        #expect(result.recoveryOptions?.map(\.option) == [.retry])
        #expect(result.partialResults == nil)
    }

    @Test func onlySystemErrorsAreRetryable() {
        #expect(!Diagnostics.result(for: Fixture.nameError()).retryable)
        var observation = Fixture.signalled(9, wall: 30)
        observation.wallTimeoutHit = true
        #expect(!Diagnostics.result(for: Fixture.facts(code: "x", observation: observation)).retryable)
    }

    @Test func scriptExitUsesKernelStatus() {
        let report = HarnessReport(status: .exit, totalStatements: 2, completedStatements: 1, statementLines: [[1, 1], [2, 2]], exitCode: 4)
        let result = Diagnostics.result(for: Fixture.facts(code: "import sys\nsys.exit(4)", observation: Fixture.exited(4), report: report))
        #expect(result.errorCategory == .runtimeError)
        #expect(result.errorSummary == "The script exited with status 4")
        #expect(result.executionResult.exitCode == 4)
    }

    @Test func segfaultNamesTheSignal() {
        let result = Diagnostics.result(for: Fixture.facts(code: "import ctypes\nctypes.string_at(0)", observation: Fixture.signalled(11)))
        #expect(result.errorCategory == .runtimeError)
        #expect(result.errorSummary == "The process was killed by signal SIGSEGV")
        #expect(result.executionResult.signal == "SIGSEGV")
        #expect(result.errorDetails?.context?.contains("segmentation fault") == true)
        #expect(result.errorDetails?.contributingFactors == ["Line 1 uses native code ('import ctypes')"])
    }

    @Test func sigxfszIsFileSizeResourceError() {
        let result = Diagnostics.result(for: Fixture.facts(code: "open('big', 'w').write('x' * 10**8)", observation: Fixture.signalled(25)))
        #expect(result.errorCategory == .resourceError)
        #expect(result.errorDetails?.resource == "file_size")
        #expect(result.errorDetails?.limit == 10_485_760)
    }
}
