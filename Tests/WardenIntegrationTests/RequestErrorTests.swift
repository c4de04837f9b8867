import Foundation
import Testing
import WardenClient
import WardenProtocol

/// Bad requests get a clear 4xx naming the field, and the daemon keeps serving.
@Suite(.timeLimit(.minutes(2)))
struct RequestErrorTests {
    @Test func wrongTypedCodeNamesTheField() async throws {
        try await withDaemon { daemon in
            let response = try post(daemon, ["code": 5])
            #expect(response.status == 400)
            let body = try errorBody(response)
            #expect(body.error.field == "code")
            #expect(body.error.type == .userError)
            #expect(body.error.message.contains("expected string, got number"))
            #expect(!body.error.retryable)
        }
    }

    @Test func emptyBodyIsRefused() async throws {
        try await withDaemon { daemon in
            let response = try daemon.client.post("/v1/executions", body: [])
            #expect(response.status == 400)
            #expect(try errorBody(response).error.message.contains("empty"))
        }
    }

    @Test func malformedJSONIsRefused() async throws {
        try await withDaemon { daemon in
            let response = try daemon.client.post("/v1/executions", body: Array("{\"code\": ".utf8))
            #expect(response.status == 400)
            #expect(try errorBody(response).error.message.contains("not valid JSON"))
        }
    }

    @Test func unknownFieldsAreNamed() async throws {
        try await withDaemon { daemon in
            let top = try post(daemon, ["code": "1", "timeout": 3])
            #expect(top.status == 400)
            #expect(try errorBody(top).error.field == "timeout")
            let nested = try post(daemon, ["code": "1", "limits": ["memory": 3]])
            #expect(nested.status == 400)
            #expect(try errorBody(nested).error.field == "limits.memory")
        }
    }

    @Test func impossibleValuesAreNamed() async throws {
        try await withDaemon { daemon in
            let negative = try post(daemon, ["code": "1", "limits": ["timeout_seconds": -1]])
            #expect(try errorBody(negative).error.field == "limits.timeout_seconds")
            let level = try post(daemon, ["code": "1", "security_level": "lax"])
            #expect(try errorBody(level).error.field == "security_level")
            let escape = try post(daemon, ["code": "1", "files": ["../x": "y"]])
            #expect(try errorBody(escape).error.field == "files.../x")
        }
    }

    @Test func twentyMegabyteBodyIs413AndTheDaemonKeepsServing() async throws {
        try await withDaemon { daemon in
            let code = String(repeating: "#", count: 20 << 20)
            let response = try post(daemon, ["code": code])
            #expect(response.status == 413)
            #expect(try errorBody(response).error.type == .userError)
            let health = try daemon.client.get("/v1/health")
            #expect(health.status == 200)
        }
    }

    @Test func codeOverTheConfiguredSizeIs413() async throws {
        try await withDaemon { daemon in
            let response = try post(daemon, ["code": String(repeating: "#", count: 2 << 20)])
            #expect(response.status == 413)
            #expect(try errorBody(response).error.field == "code")
        }
    }

    @Test func wrongMethodAndPath() async throws {
        try await withDaemon { daemon in
            let method = try daemon.client.send(method: "DELETE", path: "/v1/executions", body: [])
            #expect(method.status == 405)
            #expect(method.headers["allow"] == "POST, GET")
            let detail = try daemon.client.post("/v1/executions/exec_0000000000AAAAAAAAAAAAAAAA", body: [])
            #expect(detail.status == 405)
            #expect(detail.headers["allow"] == "GET")
            let path = try daemon.client.get("/v2/nothing")
            #expect(path.status == 404)
            #expect(try errorBody(path).error.message.contains("/v2/nothing"))
        }
    }
}
