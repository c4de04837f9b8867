import Foundation
import WardenProtocol

/// Whose executions a history query may return.
public enum HistoryViewer: Sendable, Equatable {
    /// An admin: every execution.
    case everyone
    /// Only the executions this uid ran.
    case uid(UInt32)
}

/// How long executions are kept: both bounds apply, whichever removes more.
public struct RetentionPolicy: Sendable, Equatable {
    /// Executions accepted longer ago than this are removed (nil: no age bound).
    public var maxAge: TimeInterval?
    /// At most this many executions are kept, the newest (nil: no count bound).
    public var maxRecords: Int?

    public init(maxAge: TimeInterval? = 30 * 86400, maxRecords: Int? = 1_000_000) {
        self.maxAge = maxAge
        self.maxRecords = maxRecords
    }

    public init(maxAgeDays: Int, maxRecords: Int) {
        self.init(maxAge: maxAgeDays > 0 ? Double(maxAgeDays) * 86400 : nil, maxRecords: maxRecords > 0 ? maxRecords : nil)
    }
}

/// The history's storage: what the supervisor writes (`ExecutionRecorder`) and what the HTTP
/// API, the start-up recovery and the retention task ask of it. Narrow on purpose: a second
/// backend (PostgreSQL for a fleet, see docs/history.md) implements these seven calls and
/// nothing else changes.
///
/// Every query applies `viewer` itself, so no caller can forget it.
public protocol ExecutionStore: ExecutionRecorder {
    /// Closes every execution still `running` as `system_error` "interrupted by daemon
    /// restart" (called once at start-up, before serving); returns the ids it closed.
    func closeInterrupted(at now: Date) async throws -> [String]
    /// A page of executions, newest first (by id descending).
    func executions(_ query: HistoryQuery, viewer: HistoryViewer) async throws -> ExecutionPage
    /// One execution, or nil when it does not exist or the viewer may not see it.
    func execution(id: String, viewer: HistoryViewer) async throws -> ExecutionRecord?
    /// A page of failed executions, newest first, each with its resolution and learning.
    func errors(_ query: HistoryQuery, viewer: HistoryViewer) async throws -> ErrorPage
    /// The most frequent error patterns among failed executions in the query's window.
    func commonErrors(_ query: HistoryQuery, viewer: HistoryViewer) async throws -> CommonErrorsReport
    /// Removes at most `batchSize` finished executions past the retention policy, oldest first,
    /// in one short transaction; returns how many it removed (0: nothing left to prune).
    /// Running executions are never removed.
    func prune(_ policy: RetentionPolicy, now: Date, batchSize: Int) async throws -> Int
}

/// A history operation that failed, with the step and the cause: "could not <verb> <object>:
/// <cause>".
public struct HistoryError: Error, CustomStringConvertible, Sendable {
    public var step: String
    public var cause: String

    public init(step: String, cause: String) {
        self.step = step
        self.cause = cause
    }

    public init(step: String, _ error: any Error) {
        self.init(step: step, cause: "\(error)")
    }

    public var description: String { "could not \(step): \(cause)" }
}
