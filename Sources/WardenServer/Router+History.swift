import Foundation
import Logging
import NIOHTTP1
import WardenHistory
import WardenProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The history's HTTP face: `GET /v1/executions`, `/v1/executions/{id}`, `/v1/errors`,
/// `/v1/errors/common`. Parameters are parsed strictly (400 naming the parameter); the viewer
/// comes from the caller's kernel credentials, never from the query.
struct HistoryRoutes: Sendable {
    let store: any ExecutionStore
    let access: HistoryAccess
    let logger: Logger
    var now: @Sendable () -> Date = { Date() }

    /// The `{id}` of `/v1/executions/{id}`, if `path` has that shape.
    static func executionID(in path: String) -> String? {
        let prefix = "/v1/executions/"
        guard path.hasPrefix(prefix) else { return nil }
        let id = String(path.dropFirst(prefix.count))
        guard !id.isEmpty, !id.contains("/") else { return nil }
        return id.removingPercentEncoding ?? id
    }

    static func respond(_ routes: HistoryRoutes?, path: String, query: String, caller: CallerIdentity) async -> HTTPResponse {
        guard let routes else {
            return .error(
                .serviceUnavailable, type: .permanent, message: "this daemon keeps no history", retryable: false,
                suggestedAction: "Ask the operator to enable the history."
            )
        }
        return await routes.respond(path: path, query: query, caller: caller)
    }

    func respond(path: String, query: String, caller: CallerIdentity) async -> HTTPResponse {
        let viewer = access.viewer(for: caller, groups: UserGroups.groups)
        do {
            if let id = Self.executionID(in: path) {
                if let first = query.split(separator: "&").first {
                    let name = String(first.split(separator: "=", maxSplits: 1).first ?? first)
                    throw RequestError(field: name.removingPercentEncoding ?? name, reason: "unknown query parameter; GET /v1/executions/{id} takes none")
                }
                guard let record = try await store.execution(id: id, viewer: viewer) else {
                    return .error(
                        .notFound, type: .userError, message: "no execution '\(id)' (or not one this caller may see)",
                        field: "id", retryable: false,
                        suggestedAction: "List the executions you may see with GET /v1/executions."
                    )
                }
                return .json(record)
            }
            let endpoint: HistoryQueryParser.Endpoint =
                switch path {
                case "/v1/errors": .errors
                case "/v1/errors/common": .commonErrors
                default: .executions
                }
            let parsed = try HistoryQueryParser.parse(query, for: endpoint, now: now())
            if case .uid(let own) = viewer, let uid = parsed.uid, uid != own {
                return .error(
                    .forbidden, type: .permanent,
                    message: "uid \(uid): a caller sees only its own executions (uid \(own)); admins see all",
                    field: "uid", retryable: false,
                    suggestedAction: "Leave out 'uid', or ask the operator to make this uid a history admin."
                )
            }
            switch endpoint {
            case .executions: return .json(try await store.executions(parsed, viewer: viewer))
            case .errors: return .json(try await store.errors(parsed, viewer: viewer))
            case .commonErrors: return .json(try await store.commonErrors(parsed, viewer: viewer))
            }
        } catch let error as RequestError {
            return .error(
                .badRequest, type: .userError, message: error.message, field: error.field, retryable: false,
                suggestedAction: error.field.map { "Fix the query parameter '\($0)' and send the request again." }
                    ?? "Fix the query string and send the request again."
            )
        } catch {
            logger.error("could not read the history", metadata: ["error": "\(error)", "http.path": "\(path)"])
            return .error(
                .internalServerError, type: .systemError, message: "could not read the history: \(error)",
                retryable: true, suggestedAction: "Retry the request; if it keeps failing, check the daemon's log."
            )
        }
    }
}
