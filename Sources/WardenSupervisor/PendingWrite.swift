import Dispatch
import Synchronization

/// A history write that runs beside the execution (the acceptance record), waited for by the
/// worker thread before it writes the final record: that one must come second.
final class PendingWrite: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let problem = Mutex<String?>(nil)

    /// Records how the write ended (nil: it is durable). Call exactly once.
    func finish(problem: String?) {
        self.problem.withLock { $0 = problem }
        done.signal()
    }

    /// Blocks until `finish` was called and returns its problem. Call exactly once. Usually
    /// the write has long ended by then and this does not wait.
    func wait() -> String? {
        done.wait()
        return problem.withLock { $0 }
    }
}
