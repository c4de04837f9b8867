#if canImport(Glibc)
import Glibc
#endif

import WardenProtocol

/// The groups of a caller from the host's user database: its primary gid and its user's
/// supplementary groups (for group policies, group-bound tokens and history admin groups).
public enum UserGroups {
    public static func groups(of caller: CallerIdentity) -> [UInt32] {
        guard let name = caller.userName ?? UserNames.name(of: caller.uid) else { return [caller.gid] }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, caller.gid, &groups, &count) < 0 {
            // More than 64: `count` now says how many.
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, caller.gid, &groups, &count) >= 0 else { return [caller.gid] }
        }
        return Array(groups.prefix(Int(count)))
    }
}
