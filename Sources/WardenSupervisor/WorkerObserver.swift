import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// What the supervisor saw of one worker: the kernel's exit facts and the bounded pipe contents.
struct ObservedRun {
    var exit: ChildExit
    var stdout: BoundedBuffer
    var stderr: BoundedBuffer
    var report: BoundedBuffer
    var wallSeconds: Double
    var wallTimeoutHit: Bool
    /// The worker was killed because the daemon is stopping (`Supervisor.abandonRunningExecutions`).
    var abandoned: Bool = false
    /// The worker was killed because its client went away (`ExecutionEvents.cancellation`).
    var cancelled: Bool = false
}

/// Watches one worker until it ends: reads its pipes into bounded buffers, enforces the
/// wall-clock timeout (timeout signal to the harness, then SIGKILL to the whole group after a
/// grace period), reaps it through its pidfd, and kills whatever is left of its process group.
///
/// Blocking: runs on a thread-pool thread, one per running execution.
struct WorkerObserver {
    var child: any SupervisedProcess
    var stdoutFD: Int32
    var stderrFD: Int32
    var reportFD: Int32
    var timeoutSeconds: Double
    var maxOutputBytes: Int
    var maxReportBytes: Int
    /// How long the harness gets to report after the timeout signal before SIGKILL.
    var timeoutGraceSeconds: Double = 0.25
    /// How long pipes may stay open after the worker exited (held by escaped descendants).
    var drainSeconds: Double = 0.2
    /// The signal that asks the harness to report where it is and exit.
    var timeoutSignal: Int32 = SIGUSR2
    /// Asked once per poll round (at most every second): true when the daemon's stop grace
    /// time is over and the worker must be killed now.
    var shouldAbandon: () -> Bool = { false }
    /// Asked at every poll round: true when the client went away and the worker must be
    /// killed now (the execution is recorded as cancelled).
    var shouldCancel: () -> Bool = { false }
    /// The longest poll round, in seconds: how soon `shouldCancel` is noticed.
    var pollRoundSeconds: Double = 1
    /// Called with every chunk read from a pipe (fd, bytes) before it is buffered: streaming.
    var onChunk: ((Int32, UnsafeRawBufferPointer) -> Void)? = nil

    func run(startedAt start: Double) throws(JailError) -> ObservedRun {
        var stdout = BoundedBuffer(limit: maxOutputBytes)
        var stderr = BoundedBuffer(limit: maxOutputBytes)
        var report = BoundedBuffer(limit: maxReportBytes)
        for fd in [stdoutFD, stderrFD, reportFD] { Descriptors.setNonBlocking(fd) }

        var open: [Int32] = [stdoutFD, stderrFD, reportFD]
        var exit: ChildExit?
        var exitedAt = 0.0
        let deadline = start + timeoutSeconds
        var wallTimeoutHit = false
        var killAt: Double?
        var abandoned = false
        var cancelled = false
        var chunk = [UInt8](repeating: 0, count: 65536)

        while true {
            let now = Monotonic.seconds()
            if exit == nil, !wallTimeoutHit, now >= deadline {
                wallTimeoutHit = true
                child.signal(timeoutSignal)
                killAt = now + timeoutGraceSeconds
            }
            if exit == nil, let at = killAt, now >= at {
                child.signalGroup(SIGKILL)
                child.signal(SIGKILL)
                killAt = nil
            }
            if exit == nil, !abandoned, shouldAbandon() {
                abandoned = true
                child.signalGroup(SIGKILL)
                child.signal(SIGKILL)
            }
            if exit == nil, !cancelled, shouldCancel() {
                cancelled = true
                child.signalGroup(SIGKILL)
                child.signal(SIGKILL)
            }
            if exit != nil, open.isEmpty || now >= exitedAt + drainSeconds { break }

            let wakeAt: Double
            if exit != nil {
                wakeAt = exitedAt + drainSeconds
            } else if let killAt {
                wakeAt = killAt
            } else if !wallTimeoutHit {
                wakeAt = deadline
            } else {
                wakeAt = now + 1  // killed; the pidfd wakes us
            }
            let timeoutMS = Int32(max(0, min(pollRoundSeconds * 1000, (wakeAt - now) * 1000)).rounded(.up))

            var pollFDs = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if exit == nil { pollFDs.append(pollfd(fd: child.pidfd, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&pollFDs, nfds_t(pollFDs.count), timeoutMS)
            if ready < 0 {
                if errno == EINTR { continue }
                throw JailError(step: "poll the worker's pipes", errno: errno)
            }

            for entry in pollFDs where entry.revents != 0 && entry.fd != child.pidfd {
                let count = chunk.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    chunk.withUnsafeBytes { raw in
                        let slice = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                        onChunk?(entry.fd, slice)
                        switch entry.fd {
                        case stdoutFD: stdout.append(slice)
                        case stderrFD: stderr.append(slice)
                        default: report.append(slice)
                        }
                    }
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    open.removeAll { $0 == entry.fd }
                }
            }

            if exit == nil, pollFDs.contains(where: { $0.fd == child.pidfd && $0.revents != 0 }) {
                exit = try child.reapIfExited()
                if exit != nil {
                    exitedAt = Monotonic.seconds()
                    // Whatever the worker left in its process group ends with it.
                    child.signalGroup(SIGKILL)
                }
            }
        }
        guard let exit else { throw JailError(step: "observe the worker", errno: ECHILD) }
        return ObservedRun(
            exit: exit, stdout: stdout, stderr: stderr, report: report,
            wallSeconds: exitedAt - start, wallTimeoutHit: wallTimeoutHit, abandoned: abandoned,
            cancelled: cancelled
        )
    }
}

/// CLOCK_MONOTONIC in seconds.
enum Monotonic {
    static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
