/// `policy.max_concurrent`: how many executions a caller may run at once, from every
/// `[[policy]]` entry that matches it (its uid, or a group it is in). When several match, the
/// smallest applies; each caller uid is counted on its own (a group entry limits each member).
struct CallerLimits: Sendable {
    var byUID: [UInt32: Int] = [:]
    var byGID: [UInt32: Int] = [:]

    /// The caller's limit, nil when no entry sets one.
    func limit(uid: UInt32, groups: Set<UInt32>) -> Int? {
        ([byUID[uid]] + groups.map { byGID[$0] }).compactMap { $0 }.min()
    }
}

extension Daemon {
    /// The `policy.max_concurrent` of every entry, by uid or by gid (a missing group stops the
    /// start, as it does for the entry's capabilities).
    static func callerLimits(_ configuration: DaemonConfiguration) throws -> CallerLimits {
        var limits = CallerLimits()
        for (index, policy) in configuration.uidPolicies.enumerated() {
            guard let maximum = policy.maxConcurrent else { continue }
            if let uid = policy.uid {
                limits.byUID[uid] = min(maximum, limits.byUID[uid] ?? maximum)
            } else {
                let gid = try groupID(policy.group ?? "", key: "policy[\(index)].group")
                limits.byGID[gid] = min(maximum, limits.byGID[gid] ?? maximum)
            }
        }
        return limits
    }
}
