import Synchronization
import Testing
import WardenSupervisor

/// Admission's bounds and fairness, driven step by step (no clocks: each step waits until the
/// admission's own counters show the previous one happened).
@Suite(.timeLimit(.minutes(1)))
struct AdmissionTests {
    /// Waits (yielding) until `condition` holds.
    private func eventually(_ condition: () -> Bool) async {
        while !condition() { await Task.yield() }
    }

    @Test func runsUpToTheBoundThenQueuesThenRefuses() async {
        let admission = Admission(maxRunning: 2, queueLength: 1)
        #expect(await admission.admit(uid: 1) == nil)
        #expect(await admission.admit(uid: 1) == nil)
        #expect(admission.load == (running: 2, queued: 0))
        let waiting = Task { await admission.admit(uid: 1) }
        await eventually { admission.load.queued == 1 }
        let refusal = await admission.admit(uid: 2)
        #expect(refusal?.reason == .queueFull)
        #expect(refusal?.retryAfterSeconds ?? 0 >= 1)
        admission.release(uid: 1)
        #expect(await waiting.value == nil)
        #expect(admission.load == (running: 2, queued: 0))
        admission.release(uid: 1)
        admission.release(uid: 1)
        #expect(admission.load == (running: 0, queued: 0))
    }

    @Test func aZeroQueueRefusesWhenEveryWorkerIsBusy() async {
        let admission = Admission(maxRunning: 1, queueLength: 0)
        #expect(await admission.admit(uid: 1) == nil)
        #expect(await admission.admit(uid: 1)?.reason == .queueFull)
        admission.release(uid: 1)
        #expect(await admission.admit(uid: 1) == nil)
    }

    @Test func oneUIDCannotTakeEveryWaitingPlace() async {
        let admission = Admission(maxRunning: 1, queueLength: 4, maxQueuedPerUID: 2)
        #expect(await admission.admit(uid: 1) == nil)
        let first = Task { await admission.admit(uid: 1) }
        await eventually { admission.load.queued == 1 }
        let second = Task { await admission.admit(uid: 1) }
        await eventually { admission.load.queued == 2 }
        // uid 1 holds its share; uid 2 still gets a place.
        #expect(await admission.admit(uid: 1)?.message.contains("uid 1") == true)
        let other = Task { await admission.admit(uid: 2) }
        await eventually { admission.load.queued == 3 }
        // Holders in turn: uid 1, its first waiter, uid 2, its second waiter.
        for holder in [UInt32(1), 1, 2, 1] { admission.release(uid: holder) }
        #expect(await first.value == nil)
        #expect(await second.value == nil)
        #expect(await other.value == nil)
    }

    @Test func aCallerAtItsOwnLimitWaitsWhileOthersRun() async {
        let admission = Admission(maxRunning: 3, queueLength: 4)
        #expect(await admission.admit(uid: 1, limit: 1) == nil)
        // A slot is free, but uid 1 is at its limit: its second request waits...
        let second = Task { await admission.admit(uid: 1, limit: 1) }
        await eventually { admission.load.queued == 1 }
        // ...while another caller runs at once, ahead of it.
        #expect(await admission.admit(uid: 2) == nil)
        #expect(admission.load == (running: 2, queued: 1))
        // uid 2's end does not let uid 1 past its limit; uid 1's own end does.
        admission.release(uid: 2)
        #expect(admission.load == (running: 1, queued: 1))
        admission.release(uid: 1)
        #expect(await second.value == nil)
        #expect(admission.load == (running: 1, queued: 0))
        admission.release(uid: 1)
        #expect(admission.load == (running: 0, queued: 0))
    }

    @Test func freedSlotsGoToTheWaitingUIDsInTurn() async {
        let admission = Admission(maxRunning: 1, queueLength: 10)
        let order = OrderLog()
        #expect(await admission.admit(uid: 1) == nil)
        var tasks: [Task<Void, Never>] = []
        // uid 1 queues three, then uid 2 one: round robin serves 1, 2, 1, 1.
        for (index, uid) in [(1, UInt32(1)), (2, 1), (3, 1), (4, 2)] {
            tasks.append(Task {
                _ = await admission.admit(uid: uid)
                order.append("\(uid)-\(index)")
            })
            await eventually { admission.load.queued == tasks.count }
        }
        // Each release gives back the slot of the previous holder: uid 1, 1, 2, 1.
        for (served, holder) in zip(1...4, [UInt32(1), 1, 2, 1]) {
            admission.release(uid: holder)
            await eventually { order.entries.count == served }
        }
        #expect(order.entries == ["1-1", "2-4", "1-2", "1-3"])
        admission.release(uid: 1)
        for task in tasks { await task.value }
        #expect(admission.load == (running: 0, queued: 0))
    }
}

/// The order in which waiting requests were admitted.
final class OrderLog: Sendable {
    private let log = Mutex<[String]>([])
    func append(_ entry: String) { log.withLock { $0.append(entry) } }
    var entries: [String] { log.withLock { $0 } }
}
