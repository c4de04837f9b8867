import Synchronization

/// Hands out a distinct uid/gid per running execution from a configured range, so that no two
/// executions ever share an identity (they cannot signal, trace or read each other's files).
/// Slots rotate, so a released uid is not reused until the range wraps.
final class IdentityPool: Sendable {
    let base: UInt32
    let count: Int
    private let state: Mutex<(inUse: Set<Int>, next: Int)>

    init(base: UInt32, count: Int) {
        precondition(count > 0 && UInt64(base) + UInt64(count) < UInt64(UInt32.max), "invalid uid range")
        self.base = base
        self.count = count
        self.state = Mutex((inUse: [], next: 0))
    }

    /// A free uid, or nil when every slot is taken.
    func acquire() -> UInt32? {
        state.withLock { state in
            for offset in 0..<count {
                let slot = (state.next + offset) % count
                if !state.inUse.contains(slot) {
                    state.inUse.insert(slot)
                    state.next = (slot + 1) % count
                    return base + UInt32(slot)
                }
            }
            return nil
        }
    }

    func release(_ uid: UInt32) {
        _ = state.withLock { $0.inUse.remove(Int(uid - base)) }
    }
}
