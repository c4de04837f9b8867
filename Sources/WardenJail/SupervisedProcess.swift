#if canImport(Glibc)
import Glibc
#endif

/// A worker process the supervisor watches: a child it spawned itself (`ChildProcess`) or one a
/// zygote forked for it. Either way it is addressed through a pidfd, never by a bare pid alone.
public protocol SupervisedProcess: Sendable {
    /// The pid in the daemon's PID namespace.
    var pid: pid_t { get }
    /// Becomes readable when the process has exited.
    var pidfd: Int32 { get }
    /// Sends `signal` through the pidfd; a process already gone is not an error.
    func signal(_ signal: Int32)
    /// Sends `signal` to the process group the worker leads.
    func signalGroup(_ signal: Int32)
    /// The exit facts once the process has ended and was reaped; nil while it runs.
    func reapIfExited() throws(JailError) -> ChildExit?
    /// Blocks until the process has ended and returns its exit facts.
    func reap() throws(JailError) -> ChildExit
    /// Releases the pidfd. Call once, after the process was reaped.
    func close()
}

extension ChildProcess: SupervisedProcess {}

extension SupervisedProcess {
    /// True once the process has ended (its pidfd is readable), waiting up to
    /// `waitMilliseconds`; it neither reaps nor waits for exit facts. Without a pidfd, asks
    /// `reapIfExited` (an error counts as ended).
    public func hasEnded(waitMilliseconds: Int32 = 0) -> Bool {
        guard pidfd >= 0 else {
            do {
                return try reapIfExited() != nil
            } catch {
                return true
            }
        }
        var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&entry, 1, waitMilliseconds)
            if ready < 0 && errno == EINTR { continue }
            return ready > 0
        }
    }
}
