import Foundation
import Synchronization
import WardenProtocol

/// How a caller follows one execution while it runs (streaming, SPEC §4), and how it cancels
/// it. `emit` is called from the worker thread that observes the execution, in order; it must
/// not block for long (the server only queues the event for its connection).
public struct ExecutionEvents: Sendable {
    /// Receives `started`, then `stdout`/`stderr` chunks and `warning`s as they happen; nil
    /// when the caller does not stream (cancellation only). The final `result` is not sent
    /// here: it is what `Supervisor.run` returns.
    public var sink: (@Sendable (StreamEvent) -> Void)?
    /// Set when the client has gone: the execution is killed and recorded as cancelled.
    public var cancellation: CancellationFlag

    public init(cancellation: CancellationFlag = CancellationFlag(), sink: (@Sendable (StreamEvent) -> Void)? = nil) {
        self.sink = sink
        self.cancellation = cancellation
    }

    /// True when events are wanted (the harness then also sends warnings live).
    public var isStreaming: Bool { sink != nil }

    func emit(_ event: StreamEvent) { sink?(event) }
}

/// A one-way flag: set once (the client disconnected), read by the observer at every poll.
public final class CancellationFlag: Sendable {
    private let flag = Atomic(false)
    public init() {}
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// Turns one pipe's chunks into text events without splitting a UTF-8 character: the bytes of
/// an incomplete character at the end of a chunk wait for the next one.
struct OutputChunker {
    let kind: StreamEvent.Kind
    private var carry: [UInt8] = []

    init(kind: StreamEvent.Kind) { self.kind = kind }

    /// The event for `chunk` (nil when it only held part of a character).
    mutating func event(for chunk: UnsafeRawBufferPointer) -> StreamEvent? {
        var bytes = carry + chunk
        carry = Self.incompleteTail(of: bytes)
        bytes.removeLast(carry.count)
        guard !bytes.isEmpty else { return nil }
        return StreamEvent(event: kind, data: String(decoding: bytes, as: UTF8.self))
    }

    /// What is left at the end of the stream.
    mutating func flush() -> StreamEvent? {
        defer { carry = [] }
        return carry.isEmpty ? nil : StreamEvent(event: kind, data: String(decoding: carry, as: UTF8.self))
    }

    /// The trailing bytes of a character that has not arrived whole (at most 3).
    static func incompleteTail(of bytes: [UInt8]) -> [UInt8] {
        var index = bytes.count
        var seen = 0
        while index > 0 && seen < 4 {
            index -= 1
            seen += 1
            let byte = bytes[index]
            if byte & 0xC0 == 0x80 { continue }  // a continuation byte: look further back
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            return length > seen ? Array(bytes[index...]) : []
        }
        return []
    }
}

/// Live records the harness writes on its report pipe ahead of the final report when the job
/// asks for streaming: each is `0x1E`, one JSON object, `\n` (a warning as it is raised, or a
/// pre-run check). The final report follows them and never starts with `0x1E`. The records
/// come from the worker, so they are hostile: bounded in size and count, and decoded strictly.
struct LiveRecords {
    static let marker: UInt8 = 0x1E
    static let maxRecordBytes = 8192
    static let maxRecords = 256

    private var pending: [UInt8] = []
    private var done = false
    private var count = 0
    /// Bytes of the report pipe that were records (to strip before decoding the report).
    private(set) var consumedBytes = 0

    /// Feeds report bytes; returns the warning events of the records completed by them.
    mutating func feed(_ chunk: UnsafeRawBufferPointer) -> [StreamEvent] {
        guard !done else { return [] }
        pending.append(contentsOf: chunk)
        var events: [StreamEvent] = []
        while !done, let first = pending.first {
            guard first == Self.marker else {
                done = true  // the final report begins
                break
            }
            guard let end = pending.firstIndex(of: 0x0A) else {
                if pending.count > Self.maxRecordBytes { done = true }
                break
            }
            // As `strip` reads the report: a longer record ends the records.
            if end > Self.maxRecordBytes {
                done = true
                break
            }
            let record = pending[1..<end]
            consumedBytes += end + 1
            pending.removeFirst(end + 1)
            count += 1
            if count > Self.maxRecords { continue }
            if let event = Self.decode(record) { events.append(event) }
        }
        if done { pending = [] }
        return events
    }

    /// The report bytes without the leading records.
    static func strip(_ bytes: [UInt8]) -> [UInt8] {
        var index = 0
        while index < bytes.count, bytes[index] == marker,
            let end = bytes[index...].firstIndex(of: 0x0A), end - index <= maxRecordBytes
        {
            index = end + 1
        }
        return index == 0 ? bytes : Array(bytes[index...])
    }

    private struct Record: Decodable {
        var kind: String
        var category: String?
        var message: String
        var line: Int?
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> StreamEvent? {
        guard let record = try? JSONDecoder().decode(Record.self, from: Data(bytes)),
            record.kind == "warning" || record.kind == "check"
        else { return nil }
        return StreamEvent(
            event: .warning, timestamp: Supervisor.iso8601(Date()), level: record.kind == "check" ? "check" : "warning",
            category: record.category.map { String($0.prefix(100)) }, message: String(record.message.prefix(2000)),
            line: record.line.flatMap { $0 > 0 ? $0 : nil }
        )
    }
}

/// Turns what the observer reads from one worker into stream events: output chunks (up to
/// the execution's `max_output_bytes` per stream, like the result) and live warning records.
/// Used by one observer thread only.
final class EventPump {
    private let events: ExecutionEvents
    private let stdoutFD: Int32
    private let stderrFD: Int32
    private let reportFD: Int32
    private var stdout = OutputChunker(kind: .stdout)
    private var stderr = OutputChunker(kind: .stderr)
    private var stdoutRoom: Int
    private var stderrRoom: Int
    private var live = LiveRecords()

    init(events: ExecutionEvents, stdoutFD: Int32, stderrFD: Int32, reportFD: Int32, maxOutputBytes: Int) {
        self.events = events
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
        self.reportFD = reportFD
        self.stdoutRoom = maxOutputBytes
        self.stderrRoom = maxOutputBytes
    }

    func chunk(fd: Int32, bytes: UnsafeRawBufferPointer) {
        switch fd {
        case stdoutFD: output(bytes, into: &stdout, room: &stdoutRoom)
        case stderrFD: output(bytes, into: &stderr, room: &stderrRoom)
        case reportFD: for event in live.feed(bytes) { events.emit(event) }
        default: break
        }
    }

    /// Sends what is left of a character cut at the end of either stream.
    func finish() {
        if let event = stdout.flush() { events.emit(event) }
        if let event = stderr.flush() { events.emit(event) }
    }

    private func output(_ bytes: UnsafeRawBufferPointer, into chunker: inout OutputChunker, room: inout Int) {
        guard room > 0 else { return }
        let kept = UnsafeRawBufferPointer(rebasing: bytes.prefix(room))
        room -= kept.count
        if let event = chunker.event(for: kept) { events.emit(event) }
    }
}
