import Foundation
import Testing
import WardenProtocol

@Suite struct RequestParserTests {
    private func parse(_ json: String) throws(RequestError) -> ExecutionRequest {
        try RequestParser.parse(Array(json.utf8))
    }

    private func refusal(_ json: String) -> RequestError? {
        do {
            _ = try parse(json)
            return nil
        } catch {
            return error
        }
    }

    @Test func minimalRequestTakesDefaults() throws {
        let request = try parse(#"{"code": "print(1)"}"#)
        #expect(request.code == "print(1)")
        #expect(request.language == "python")
        #expect(request.securityLevel == .strict)
        #expect(request.detail == .standard)
        #expect(!request.trace)
        #expect(request.limits == RequestedLimits())
    }

    @Test func fullRequestIsDecoded() throws {
        let request = try parse(
            #"""
            {"code": "x", "language": "python", "stdin": "in", "files": {"a/b.txt": "t"},
             "limits": {"timeout_seconds": 1.5, "memory_mb": 64, "cpu_seconds": 2, "max_output_bytes": 10,
                        "max_processes": 2, "max_file_bytes": 100, "max_open_files": 20},
             "capabilities": ["tok"], "security_level": "permissive", "detail": "full", "trace": true,
             "client": "ray", "metadata": {"conversation": "c-42"}, "retry_of": "exec_1"}
            """#
        )
        #expect(request.files == ["a/b.txt": "t"])
        #expect(request.limits.timeoutSeconds == 1.5)
        #expect(request.limits.memoryMB == 64)
        #expect(request.limits.maxOpenFiles == 20)
        #expect(request.securityLevel == .permissive)
        #expect(request.detail == .full)
        #expect(request.trace)
        #expect(request.client == "ray")
        #expect(request.metadata["conversation"] == .string("c-42"))
        #expect(request.retryOf == "exec_1")
    }

    @Test(arguments: [
        (#"{"code": 5}"#, "code"),
        (#"{}"#, "code"),
        (#"{"code": "x", "extra": 1}"#, "extra"),
        (#"{"code": "x", "limits": {"memory": 1}}"#, "limits.memory"),
        (#"{"code": "x", "limits": {"memory_mb": 1.5}}"#, "limits.memory_mb"),
        (#"{"code": "x", "limits": {"memory_mb": 0}}"#, "limits.memory_mb"),
        (#"{"code": "x", "limits": {"timeout_seconds": "3"}}"#, "limits.timeout_seconds"),
        (#"{"code": "x", "limits": []}"#, "limits"),
        (#"{"code": "x", "language": "ruby"}"#, "language"),
        (#"{"code": "x", "detail": "max"}"#, "detail"),
        (#"{"code": "x", "trace": "yes"}"#, "trace"),
        (#"{"code": "x", "capabilities": [1]}"#, "capabilities[0]"),
        (#"{"code": "x", "files": {"/etc/passwd": "x"}}"#, "files./etc/passwd"),
        (#"{"code": "x", "files": {"a/../../b": "x"}}"#, "files.a/../../b"),
        (#"{"code": "x", "files": {"a": 1}}"#, "files.a"),
        (#"{"code": "x", "metadata": 3}"#, "metadata"),
    ])
    func badFieldsAreNamed(json: String, field: String) {
        let error = refusal(json)
        #expect(error?.field == field, "\(json) → \(String(describing: error))")
        #expect(error?.reason.isEmpty == false)
    }

    @Test(arguments: ["", "   ", "{", "[1]", "\"code\""])
    func malformedBodiesAreRefusedWithoutAField(json: String) {
        let error = refusal(json)
        #expect(error != nil)
        #expect(error?.field == nil)
    }

    @Test func resultRoundTripsWithSnakeCaseKeys() throws {
        let result = ExecutionResult(
            executionId: "exec_1", success: true, timestamp: "2026-01-01T00:00:00Z", assignedBy: "ray",
            executionResult: ExecutionOutput(stdout: "hi\n", memoryUsed: "1MB", memoryUsedBytes: 1 << 20, exitCode: 0),
            limits: ExecutionLimits(
                timeoutSeconds: 1, memoryMB: 1, cpuSeconds: 1, maxOutputBytes: 1, maxProcesses: 1, maxFileBytes: 1,
                maxOpenFiles: 1
            )
        )
        let data = try JSONEncoder().encode(result)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["execution_id"] as? String == "exec_1")
        let output = try #require(object["execution_result"] as? [String: Any])
        #expect(output["return_value"] is NSNull)
        #expect(output["memory_used_bytes"] as? Int == 1 << 20)
        #expect(try JSONDecoder().decode(ExecutionResult.self, from: data) == result)
    }
}
