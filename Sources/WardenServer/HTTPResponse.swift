import Foundation
import NIOHTTP1
import WardenProtocol

/// A complete response: status, extra headers and a JSON body.
struct HTTPResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: [(String, String)] = []
    var body: [UInt8]

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponseStatus = .ok) -> HTTPResponse {
        do {
            return HTTPResponse(status: status, body: Array(try encoder.encode(value)))
        } catch {
            return .error(
                .internalServerError, type: .systemError, message: "could not encode the response: \(error)",
                retryable: true, suggestedAction: "Retry the request; report it if it persists."
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
