import Foundation
import Testing
import WardenClient
import WardenProtocol

/// Sends `body` (a JSON-serialisable dictionary) to POST /v1/executions.
func post(_ daemon: RunningDaemon, _ body: [String: Any]) throws -> HTTPClientResponse {
    try daemon.client.post("/v1/executions", body: Array(JSONSerialization.data(withJSONObject: body)))
}

/// Runs `code` and decodes the 200 answer as a result. Every answer is also checked against
/// `docs/result.schema.json` (a violation is a test failure, reported with its JSON path).
func run(_ daemon: RunningDaemon, _ code: String, extra: [String: Any] = [:]) throws -> ExecutionResult {
    var body = extra
    body["code"] = code
    let response = try post(daemon, body)
    #expect(response.status == 200, "unexpected status \(response.status): \(response.text)")
    if response.status == 200 {
        let violations = SchemaValidator.result.violations(ofJSON: response.body)
        #expect(violations.isEmpty, "the result does not match docs/result.schema.json:\n\(violations.prefix(20).map(\.description).joined(separator: "\n"))")
    }
    return try JSONDecoder().decode(ExecutionResult.self, from: Data(response.body))
}

/// Decodes an error answer.
func errorBody(_ response: HTTPClientResponse) throws -> ErrorBody {
    try JSONDecoder().decode(ErrorBody.self, from: Data(response.body))
}
