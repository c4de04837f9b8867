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
