import Foundation
import NIOHTTP1
import WardenProtocol
import WardenSupervisor

/// A complete response: status, extra headers and a JSON body.
struct HTTPResponse: Sendable {
    var status: HTTPResponseStatus
    var contentType = "application/json"
    var headers: [(String, String)] = []
    var body: [UInt8]

    static func json(_ value: some Encodable, status: HTTPResponseStatus = .ok) -> HTTPResponse {
        do {
            return HTTPResponse(status: status, body: try EncodedResult.encode(value))
        } catch {
            return encodingFailed(error)
        }
    }

    /// A result as encoded once by the supervisor (`EncodedResult`).
    static func result(_ result: EncodedResult) -> HTTPResponse {
        switch result.json {
        case .success(let body): return HTTPResponse(status: .ok, body: body)
        case .failure(let error): return encodingFailed(error)
        }
    }

    private static func encodingFailed(_ error: any Error) -> HTTPResponse {
        .error(
            .internalServerError, type: .systemError, message: "could not encode the response: \(error)",
            retryable: true, suggestedAction: "Retry the request; report it if it persists."
        )
    }

    /// 429 (queue full, `transient`) or 503 (circuit open, `system_error`), both retryable,
    /// with `Retry-After`.
    static func refusal(_ refusal: Refusal) -> HTTPResponse {
        let retryAfter = [("Retry-After", "\(refusal.retryAfterSeconds)")]
        switch refusal.reason {
        case .queueFull:
            return .error(
                .tooManyRequests, type: .transient, message: refusal.message, retryable: true,
                suggestedAction: "Retry after \(refusal.retryAfterSeconds) s (Retry-After); send fewer requests at once.",
                headers: retryAfter
            )
        case .circuitOpen:
            return .error(
                .serviceUnavailable, type: .systemError, message: refusal.message, retryable: true,
                suggestedAction: "Retry after \(refusal.retryAfterSeconds) s (Retry-After); if it persists, an operator should check the daemon's log (worker start-up).",
                headers: retryAfter
            )
        }
    }

    static func error(
        _ status: HTTPResponseStatus, type: ErrorType, message: String, field: String? = nil, retryable: Bool,
        suggestedAction: String, headers: [(String, String)] = []
    ) -> HTTPResponse {
        let body = ErrorBody(
            type: type, message: message, field: field, retryable: retryable, suggestedAction: suggestedAction
        )
        var response = HTTPResponse.json(body, status: status)
        response.headers = headers
        return response
    }
}
