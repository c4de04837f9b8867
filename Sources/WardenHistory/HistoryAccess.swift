import WardenProtocol

/// Who sees what in the history: a caller sees the executions it ran (its uid, from
/// SO_PEERCRED); an admin sees all. Root (uid 0) is always an admin; more admins are
/// configured by uid, or by group (the caller's primary gid, or any group its user belongs to
/// in the host's user database).
public struct HistoryAccess: Sendable, Equatable {
    public var adminUIDs: Set<UInt32>
    public var adminGIDs: Set<UInt32>

    public init(adminUIDs: some Sequence<UInt32> = [], adminGIDs: some Sequence<UInt32> = []) {
        self.adminUIDs = Set(adminUIDs).union([0])
        self.adminGIDs = Set(adminGIDs)
    }

    /// - Parameter groups: every group of the caller's user (supplementary included), looked up
    ///   only when admin groups are configured.
    public func viewer(for caller: CallerIdentity, groups: (CallerIdentity) -> [UInt32] = { _ in [] }) -> HistoryViewer {
        if adminUIDs.contains(caller.uid) { return .everyone }
        if !adminGIDs.isEmpty {
            if adminGIDs.contains(caller.gid) || groups(caller).contains(where: adminGIDs.contains) {
                return .everyone
            }
        }
        return .uid(caller.uid)
    }
}
