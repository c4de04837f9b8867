import Testing
import WardenProtocol

@testable import WardenDiagnostics

@Suite("Security and resource errors")
struct SecurityAndResourceTests {
    @Test func seccompKillNamesTheSyscall() throws {
        var observation = Fixture.signalled(31)
        observation.seccompSyscall = 101
        let code = "import ctypes\nlibc = ctypes.CDLL(None)\nlibc.ptrace(0, 0, 0, 0)"
        let result = Diagnostics.result(for: Fixture.facts(code: code, observation: observation))
        #expect(result.errorCategory == .securityError)
        let details = try #require(result.errorDetails)
        #expect(details.violationType == "syscall")
        #expect(details.errorType == "SecurityViolation")
        #expect(details.errorMessage == "System call ptrace (101) is not permitted in the sandbox")
        #expect(details.attemptedAction == "syscall ptrace")
        #expect(details.securityLevel == .strict)
        #expect(details.availableCapabilities == [])
        #expect(result.executionResult.signal == "SIGSYS")
        let violation = try #require(result.securityViolation)
        #expect(violation.attemptedOperation == "syscall")
        #expect(violation.blockedCode == "import ctypes")
        #expect(result.errorSummary == "SecurityViolation: System call ptrace (101) is not permitted in the sandbox")
    }

    @Test func seccompKillOfForkAsksForSubprocess() {
        var observation = Fixture.signalled(31)
        observation.seccompSyscall = 57
        let result = Diagnostics.result(for: Fixture.facts(code: "import os\nos.fork()", observation: observation))
        #expect(result.errorDetails?.requiredCapability == "subprocess")
        #expect(result.recoveryOptions?.contains { $0.option == .requestCapability && $0.capability == "subprocess" } == true)
        #expect(result.securityViolation?.blockedCode == "os.fork()")
    }

    @Test func blockedImport() throws {
        let frames = [Fixture.frame(1, "import os", column: 1, endColumn: 10)]
        let exception = HarnessException(
            type: "ImportError", qualifiedType: "ImportError", message: "import of 'os' is not allowed at security level strict",
            frames: frames, fullTraceback: "", name: "os", blockedImport: "os")
        let report = Fixture.exceptionReport(exception, total: 2, completed: 0)
        let result = Diagnostics.result(for: Fixture.facts(code: "import os\nprint(os.getcwd())", observation: Fixture.exited(1), report: report))
        #expect(result.errorCategory == .securityError)
        let details = try #require(result.errorDetails)
        #expect(details.violationType == "blocked_import")
        #expect(details.errorType == "SecurityViolation")
        #expect(details.errorMessage == "Attempted to access restricted module 'os'")
        #expect(details.attemptedAction == "import os")
        #expect(details.securityLevel == .strict)
        #expect(details.requiredCapability == "import:os")
        #expect(details.availableModules == Fixture.strictModules)
        #expect(details.context == "The 'os' module is blocked in strict security mode")
        #expect(details.lineNumber == 1)
        let option = try #require(result.recoveryOptions?.first { $0.option == .requestCapability })
        #expect(option.capability == "import:os")
        #expect(result.securityViolation?.attemptedOperation == "blocked_import")
        #expect(result.securityViolation?.blockedCode == "import os")
        #expect(result.recoveryOptions?.contains { $0.option == .partialExecution } == false)
    }

    @Test func moduleNotFoundIsImportError() {
        let frames = [Fixture.frame(1, "import jsno", column: 1, endColumn: 12)]
        let exception = HarnessException(
            type: "ModuleNotFoundError", qualifiedType: "ModuleNotFoundError", message: "No module named 'jsno'",
            frames: frames, fullTraceback: "", name: "jsno")
        let report = Fixture.exceptionReport(exception, total: 1, completed: 0)
        let result = Diagnostics.result(for: Fixture.facts(code: "import jsno", observation: Fixture.exited(1), report: report))
        #expect(result.errorCategory == .importError)
        #expect(result.errorDetails?.attemptedImport == "jsno")
        #expect(result.errorDetails?.availableModules == Fixture.strictModules)
        #expect(result.errorDetails?.suggestions.first == "Did you mean 'json'?")
        #expect(result.errorDetails?.context == "Module 'jsno' is not available in the sandbox")
    }

    @Test func permissionErrorOnWriteIsFileWrite() throws {
        let frames = [Fixture.frame(1, "open('/etc/passwd', 'w')", column: 1, endColumn: 25)]
        let exception = HarnessException(
            type: "PermissionError", qualifiedType: "PermissionError", message: "[Errno 13] Permission denied: '/etc/passwd'",
            frames: frames, fullTraceback: "", errnoName: "EACCES", filename: "/etc/passwd")
        let report = Fixture.exceptionReport(exception, total: 1, completed: 0)
        let result = Diagnostics.result(for: Fixture.facts(code: "open('/etc/passwd', 'w')", observation: Fixture.exited(1), report: report))
        #expect(result.errorCategory == .securityError)
        #expect(result.errorDetails?.violationType == "file_write")
        #expect(result.errorDetails?.attemptedAction == "write '/etc/passwd'")
        #expect(result.errorDetails?.requiredCapability == "file.write:/etc/passwd")
        let violation = try #require(result.securityViolation)
        #expect(violation.attemptedOperation == "file_write")
        #expect(violation.blockedCode == "open('/etc/passwd', 'w')")
        #expect(violation.reason == "File write access denied in strict mode")
    }

    @Test func permissionErrorOnReadIsFileRead() {
        let frames = [Fixture.frame(1, "print(open('/root/secret').read())", column: 7, endColumn: 27)]
        let exception = HarnessException(
            type: "PermissionError", qualifiedType: "PermissionError", message: "[Errno 13] Permission denied: '/root/secret'",
            frames: frames, fullTraceback: "")
        let report = Fixture.exceptionReport(exception, total: 1, completed: 0)
        let result = Diagnostics.result(for: Fixture.facts(code: "print(open('/root/secret').read())", observation: Fixture.exited(1), report: report))
        #expect(result.errorDetails?.violationType == "file_read")
        #expect(result.errorDetails?.requiredCapability == "file.read:/root/secret")
    }

    @Test func socketPermissionIsNetworkButConnectionRefusedIsNot() {
        let code = "import socket\ns = socket.socket()\ns.connect(('example.com', 80))"
        let frames = [Fixture.frame(3, "s.connect(('example.com', 80))", column: 1, endColumn: 31)]
        let denied = HarnessException(
            type: "PermissionError", qualifiedType: "PermissionError", message: "[Errno 1] Operation not permitted",
            frames: frames, fullTraceback: "", errnoName: "EPERM")
        let result = Diagnostics.result(for: Fixture.facts(code: code, observation: Fixture.exited(1), report: Fixture.exceptionReport(denied, total: 3, completed: 2)))
        #expect(result.errorCategory == .securityError)
        #expect(result.errorDetails?.violationType == "network_access")
        #expect(result.errorDetails?.requiredCapability == "network:example.com:80")

        let refused = HarnessException(
            type: "ConnectionRefusedError", qualifiedType: "ConnectionRefusedError", message: "[Errno 111] Connection refused",
            frames: frames, fullTraceback: "", errnoName: "ECONNREFUSED")
        let second = Diagnostics.result(for: Fixture.facts(code: code, observation: Fixture.exited(1), report: Fixture.exceptionReport(refused, total: 3, completed: 2)))
        #expect(second.errorCategory == .runtimeError)
    }

    @Test func readOnlyFileSystemIsFileWrite() {
        let frames = [Fixture.frame(1, "os.makedirs('/usr/x')", column: 1, endColumn: 22)]
        let exception = HarnessException(
            type: "OSError", qualifiedType: "OSError", message: "[Errno 30] Read-only file system: '/usr/x'",
            frames: frames, fullTraceback: "", errnoName: "EROFS", filename: "/usr/x")
        let result = Diagnostics.result(for: Fixture.facts(code: "os.makedirs('/usr/x')", observation: Fixture.exited(1), report: Fixture.exceptionReport(exception, total: 1, completed: 0)))
        #expect(result.errorDetails?.violationType == "file_write")
    }

    @Test func resourceLimitsFromErrno() {
        func result(_ type: String, _ message: String, errno: String?, code: String) -> ExecutionResult {
            let frames = [Fixture.frame(1, code, column: 1, endColumn: code.count + 1)]
            let exception = HarnessException(type: type, qualifiedType: type, message: message, frames: frames, fullTraceback: "", errnoName: errno)
            return Diagnostics.result(for: Fixture.facts(code: code, observation: Fixture.exited(1), report: Fixture.exceptionReport(exception, total: 1, completed: 0)))
        }
        let big = result("OSError", "[Errno 27] File too large", errno: "EFBIG", code: "f.write(data)")
        #expect(big.errorCategory == .resourceError)
        #expect(big.errorDetails?.resource == "file_size")
        #expect(big.errorDetails?.limit == 10_485_760)

        let files = result("OSError", "[Errno 24] Too many open files: 'f99'", errno: nil, code: "handles.append(open('f99', 'w'))")
        #expect(files.errorDetails?.resource == "open_files")
        #expect(files.errorDetails?.limit == 64)

        let fork = result("BlockingIOError", "[Errno 11] Resource temporarily unavailable", errno: "EAGAIN", code: "pid = os.fork()")
        #expect(fork.errorDetails?.resource == "processes")
        #expect(fork.errorDetails?.limit == 1)

        let disk = result("OSError", "[Errno 28] No space left on device", errno: "ENOSPC", code: "f.write(chunk)")
        #expect(disk.errorDetails?.resource == "disk")
        #expect(disk.errorDetails?.limit == nil)
    }
}

/// EPERM is the seccomp filter's refusal of a privileged call, not a file permission.
@Suite struct SyscallRefusalTests {
    @Test func operationNotPermittedIsASyscallViolation() {
        let exception = HarnessException(
            type: "PermissionError", qualifiedType: "PermissionError",
            message: "[Errno 1] ptrace(PTRACE_TRACEME): Operation not permitted",
            frames: [HarnessFrame(filename: "<string>", lineNumber: 2, functionName: "<module>", codeLine: "libc.ptrace(0, 0, 0, 0)")],
            fullTraceback: "", errnoName: "EPERM"
        )
        let report = HarnessReport(
            status: .exception, totalStatements: 2, completedStatements: 1, statementLines: [[1, 1], [2, 2]],
            exception: exception
        )
        let result = Diagnostics.result(
            for: Fixture.facts(code: "import ctypes\nlibc.ptrace(0, 0, 0, 0)", observation: Fixture.exited(1), report: report)
        )
        #expect(result.errorCategory == .securityError)
        #expect(result.errorDetails?.violationType == "syscall")
        #expect(result.errorDetails?.attemptedAction == "call ptrace()")
        #expect(result.securityViolation?.attemptedOperation == "syscall")
    }
}
