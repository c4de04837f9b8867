import Logging
import NIOHTTP1
import WardenHistory
import WardenProtocol
import WardenSupervisor

/// Maps a complete request (method, path, body) to a response. Stateless.
struct Router: Sendable {
    let service: any ExecutionService
    /// The history's read side (`Router+History.swift`); nil when the daemon keeps none.
    var history: HistoryRoutes? = nil

    static let routes: [(method: HTTPMethod, path: String)] = [
        (.POST, "/v1/executions"),
        (.GET, "/v1/executions"),
        (.GET, "/v1/executions/{id}"),
        (.GET, "/v1/errors"),
        (.GET, "/v1/errors/common"),
        (.GET, "/v1/health"),
        (.GET, "/metrics"),
    ]

    /// - Parameter cancellation: set when the client goes away; a running execution is killed.
    func respond(
        method: HTTPMethod, uri: String, body: [UInt8], caller: CallerIdentity,
        cancellation: CancellationFlag = CancellationFlag()
    ) async -> HTTPResponse {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts.first ?? "")
        let query = parts.count > 1 ? String(parts[1]) : ""
        switch (method, path) {
        case (.POST, "/v1/executions"):
            return await execute(body: body, caller: caller, cancellation: cancellation)
        case (.GET, "/v1/health"):
            return .json(await service.health())
        case (.GET, "/metrics"):
            return HTTPResponse(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: service.metricsText())
        case (.GET, "/v1/executions"), (.GET, "/v1/errors"), (.GET, "/v1/errors/common"):
            return await HistoryRoutes.respond(history, path: path, query: query, caller: caller)
        case (.GET, _) where HistoryRoutes.executionID(in: path) != nil:
            return await HistoryRoutes.respond(history, path: path, query: query, caller: caller)
        default:
            let template = HistoryRoutes.executionID(in: path) != nil ? "/v1/executions/{id}" : path
            let allowed = Self.routes.filter { $0.path == template }.map(\.method.rawValue)
            if !allowed.isEmpty {
                return .error(
                    .methodNotAllowed, type: .userError,
                    message: "method \(method.rawValue) is not allowed on \(path); use \(allowed.joined(separator: ", "))",
                    retryable: false, suggestedAction: "Send the request with \(allowed.joined(separator: " or ")).",
                    headers: [("Allow", allowed.joined(separator: ", "))]
                )
            }
            let known = Self.routes.map { "\($0.method.rawValue) \($0.path)" }.joined(separator: ", ")
            return .error(
                .notFound, type: .userError, message: "no route for \(method.rawValue) \(path)",
                retryable: false, suggestedAction: "Use one of: \(known)."
            )
        }
    }

    private func execute(body: [UInt8], caller: CallerIdentity, cancellation: CancellationFlag) async -> HTTPResponse {
        switch parseExecution(body: body) {
        case .failure(let response):
            return response.response
        case .success(let request):
            return Self.response(for: await service.run(request, caller: caller, events: ExecutionEvents(cancellation: cancellation)))
        }
    }

    /// The answer to a request that ran (200) or was refused: 403 for a grant or level the
    /// caller may not have, 429/503 with `Retry-After` when the daemon cannot take it now.
    static func response(for outcome: ExecutionOutcome) -> HTTPResponse {
        switch outcome {
        case .ran(let result):
            return .result(result)
        case .unavailable(let refusal):
            return .refusal(refusal)
        case .refused(let refusal):
            return .error(
                .forbidden, type: .userError, message: refusal.message, field: refusal.field, retryable: false,
                suggestedAction: refusal.field == "security_level"
                    ? "Use a security level this daemon allows you, or ask its administrator for one."
                    : "Ask the daemon's administrator for a valid token (warden token issue), or send the request without it."
            )
        }
    }

    /// The request of a `POST /v1/executions`, or the error answer (400, 413) that refuses it.
    func parseExecution(body: [UInt8]) -> Result<ExecutionRequest, RefusedRequest> {
        let request: ExecutionRequest
        do {
            request = try RequestParser.parse(body)
        } catch {
            return .failure(RefusedRequest(response: .error(
                .badRequest, type: .userError, message: error.message, field: error.field, retryable: false,
                suggestedAction: error.field.map { "Fix the field '\($0)' and send the request again." }
                    ?? "Send a JSON object such as {\"code\": \"print('hello')\"}."
            )))
        }
        let codeBytes = request.code.utf8.count
        if codeBytes > service.maxCodeBytes {
            return .failure(RefusedRequest(response: .error(
                .payloadTooLarge, type: .userError,
                message: "code is \(codeBytes) bytes; the limit is \(service.maxCodeBytes) bytes",
                field: "code", retryable: false,
                suggestedAction: "Send less code, or move data into 'files'."
            )))
        }
        return .success(request)
    }
}

/// A request refused before it ran, with its answer.
struct RefusedRequest: Error {
    var response: HTTPResponse
}
