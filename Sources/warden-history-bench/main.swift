import Foundation
import WardenHistory
import WardenProtocol

// Fills a history through the store (no daemon), then times the queries the API serves and
// the recording rate under concurrent executions. Run by Scripts/bench-history.
//
//   warden-history-bench [--records N] [--dir PATH] [--samples N] [--keep]

struct Options {
    var records = 1_000_000
    var directory: String?
    var samples = 200
    var keep = false

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--records": records = Int(iterator.next() ?? "") ?? records
            case "--quick": records = 20_000
            case "--dir": directory = iterator.next()
            case "--samples": samples = Int(iterator.next() ?? "") ?? samples
            case "--keep": keep = true
            default:
                FileHandle.standardError.write(Data("usage: warden-history-bench [--records N | --quick] [--dir PATH] [--samples N] [--keep]\n".utf8))
                exit(2)
            }
        }
    }
}

/// A deterministic generator (SplitMix64), so two runs fill the same history.
struct Random: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
func makeID(milliseconds: UInt64, random: inout Random) -> String {
    var time = milliseconds
    var characters: [Character] = []
    for _ in 0..<10 {
        characters.append(alphabet[Int(time & 31)])
        time >>= 5
    }
    var id = "exec_" + String(characters.reversed())
    for _ in 0..<16 { id.append(alphabet[Int(random.next() & 31)]) }
    return id
}

let limits = ExecutionLimits(
    timeoutSeconds: 30, memoryMB: 100, cpuSeconds: 30, maxOutputBytes: 1 << 20, maxProcesses: 1,
    maxFileBytes: 10 << 20, maxOpenFiles: 64
)
let words = [
    "total", "count", "items", "values", "result", "data", "frame", "matrix", "score", "price", "amount", "rows",
    "users", "orders", "index", "buffer", "config", "report", "summary", "average",
]

/// One synthetic execution and its result: 60 % succeed; failures spread over common patterns.
func synthetic(
    index: Int, at date: Date, random: inout Random, failures: inout [String]
) -> (AcceptedExecution, ExecutionResult) {
    let id = makeID(milliseconds: UInt64(date.timeIntervalSince1970 * 1000), random: &random)
    let name = words[Int(random.next() % UInt64(words.count))] + "_\(random.next() % 500)"
    let kind = Int(random.next() % 100)
    let code: String
    var result: ExecutionResult
    var retryOf: String?
    if kind < 5, let failed = failures.popLast() { retryOf = failed }
    func output(_ stdout: String = "") -> ExecutionOutput {
        ExecutionOutput(stdout: stdout, executionTime: Double(random.next() % 900) / 1000 + 0.02, memoryUsed: "9MB", memoryUsedBytes: 9_000_000 + Int(random.next() % 4_000_000), exitCode: 0)
    }
    func failure(_ category: ErrorCategory, _ type: String, _ message: String, _ suggestions: [String]) -> ExecutionResult {
        var details = ErrorDetails(errorType: type, errorMessage: message, suggestions: suggestions)
        details.lineNumber = 2
        var out = output()
        out.exitCode = 1
        out.stderr = "Traceback (most recent call last):\n  File \"<string>\", line 2, in <module>\n\(type): \(message)\n"
        return ExecutionResult(
            executionId: id, success: false, timestamp: HistoryTime.string(date), assignedBy: nil, executionResult: out,
            errorCategory: category, errorSummary: "\(type) on line 2: \(message)", errorDetails: details, limits: limits
        )
    }
    switch kind {
    case 0..<60:
        code = "\(name) = [\(random.next() % 100), \(random.next() % 100)]\nprint(sum(\(name)))\n"
        result = ExecutionResult(
            executionId: id, success: true, timestamp: HistoryTime.string(date), assignedBy: nil,
            executionResult: output("\(random.next() % 200)\n"), limits: limits
        )
    case 60..<72:
        let typo = String(name.dropLast())
        code = "\(name) = 10\nprint(\(typo))\n"
        result = failure(.runtimeError, "NameError", "name '\(typo)' is not defined", ["Did you mean '\(name)'?"])
    case 72..<78:
        code = "\(name) = 0\nprint(100 / \(name))\n"
        result = failure(.runtimeError, "ZeroDivisionError", "division by zero", ["Check that '\(name)' is not zero"])
    case 78..<83:
        code = "\(name) = {}\nprint(\(name)['key_\(random.next() % 50)'])\n"
        result = failure(.runtimeError, "KeyError", "'key'", ["Use .get() for keys that may be missing"])
    case 83..<88:
        let module = ["pandas", "requests", "numpy", "scipy"][Int(random.next() % 4)]
        code = "import \(module)\nprint(\(module).__version__)\n"
        result = failure(.importError, "ModuleNotFoundError", "No module named '\(module)'", ["'\(module)' is not available at this security level"])
    case 88..<92:
        code = "if \(name) = 5:\n    print(\(name))\n"
        result = failure(.syntaxError, "SyntaxError", "invalid syntax", ["Use '==' to compare"])
    case 92..<96:
        code = "\(name) = '5'\nprint(\(name) + 1)\n"
        result = failure(.runtimeError, "TypeError", "can only concatenate str (not \"int\") to str", ["Convert with int()"])
    default:
        code = "while True:\n    \(name) = 1\n"
        result = failure(.timeoutError, "ExecutionTimeout", "Timed out after 30 s", ["Bound the loop"])
        result.errorDetails?.limitKind = .wall
    }
    if !result.success, failures.count < 10_000 { failures.append(id) }
    let uid = UInt32(1000 + random.next() % 50)
    let request = ExecutionRequest(
        code: code, client: "client-\(random.next() % 20)", metadata: ["n": .int(index)], retryOf: retryOf
    )
    let accepted = AcceptedExecution(
        id: id, acceptedAt: date, request: request,
        caller: CallerIdentity(uid: uid, gid: uid, pid: Int32(random.next() % 30000), userName: "user\(uid)"),
        limits: limits, assignedBy: request.client
    )
    return (accepted, result)
}

struct Timing {
    var samples: [Double] = []  // milliseconds
    mutating func add(_ duration: Duration) {
        samples.append(Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
    }
    func percentile(_ p: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
    var line: String { String(format: "median %8.3f ms   p95 %8.3f ms   (n=%d)", percentile(0.5), percentile(0.95), samples.count) }
}

func time(_ body: () async throws -> Void) async rethrows -> Duration {
    let start = ContinuousClock.now
    try await body()
    return ContinuousClock.now - start
}

func fileSize(_ path: String) -> Int {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
}

let options = Options(CommandLine.arguments)
let directory = options.directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("warden-history-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
let path = directory + "/history.sqlite"
defer {
    if !options.keep && options.directory == nil { try? FileManager.default.removeItem(atPath: directory) }
}

print("history benchmark: \(options.records) records in \(path)")
let now = Date()
let span: TimeInterval = 29 * 86400
var ids: [String] = []
ids.reserveCapacity(options.records)

// Fill, through the store's own recording calls (accepted, then finished), 8 at a time, with
// durability NORMAL (the fill is set-up, not what is measured).
do {
    let store = try SQLiteExecutionStore(path: path, durability: .normal)
    let existing = try await store.executions(HistoryQuery(limit: 1), viewer: .everyone).executions.count
    if existing > 0 {
        print("reusing the existing history (--dir); collecting ids")
        var cursor: HistoryCursor?
        repeat {
            let page = try await store.executions(HistoryQuery(limit: 200, cursor: cursor), viewer: .everyone)
            ids += page.executions.map(\.executionId)
            cursor = page.nextCursor.flatMap(HistoryCursor.init(token:))
        } while cursor != nil && ids.count < 200_000
    } else {
        var random = Random(state: 42)
        var failures: [String] = []
        let started = ContinuousClock.now
        let batch = 8
        var index = 0
        while index < options.records {
            var work: [(AcceptedExecution, ExecutionResult)] = []
            for offset in 0..<min(batch, options.records - index) {
                let date = now.addingTimeInterval(-span + span * Double(index + offset) / Double(options.records))
                work.append(synthetic(index: index + offset, at: date, random: &random, failures: &failures))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (accepted, result) in work {
                    group.addTask {
                        try await store.accepted(accepted)
                        try await store.finished(accepted, result: result)
                    }
                }
                try await group.waitForAll()
            }
            ids += work.map(\.0.id)
            index += work.count
            if index % 100_000 == 0 || index == options.records {
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                print(String(format: "  filled %7d in %6.1f s (%.0f executions/s)", index, seconds, Double(index) / seconds))
            }
        }
    }
}
print(String(format: "  file: %.1f MB (+ wal %.1f MB)", Double(fileSize(path)) / 1e6, Double(fileSize(path + "-wal")) / 1e6))

// Queries, on a store opened as the daemon opens it.
let store = try SQLiteExecutionStore(path: path)
var random = Random(state: 7)
let samples = options.samples

func measure(_ label: String, _ body: () async throws -> Void) async throws {
    for _ in 0..<3 { try await body() }  // warm the page cache, as a running daemon has it
    var timing = Timing()
    for _ in 0..<samples { timing.add(try await time(body)) }
    print("  \(label.padding(toLength: 48, withPad: " ", startingAt: 0)) \(timing.line)")
}

print("queries (newest 50 unless said):")
let filters: [(String, HistoryQuery, HistoryViewer)] = [
    ("list, no filter (admin)", HistoryQuery(), .everyone),
    ("list status=failed", HistoryQuery(status: .failed), .everyone),
    ("list category=import_error", HistoryQuery(category: .importError), .everyone),
    ("list error_type=NameError", HistoryQuery(errorType: "NameError"), .everyone),
    ("list client=client-7", HistoryQuery(client: "client-7"), .everyone),
    ("list since=24h", HistoryQuery(since: now.addingTimeInterval(-86400)), .everyone),
    ("list own (uid 1007, not admin)", HistoryQuery(), .uid(1007)),
    ("list own + status=failed (uid 1007)", HistoryQuery(status: .failed), .uid(1007)),
    ("list status=failed, page 20 (cursor)", HistoryQuery(status: .failed), .everyone),
]
for (label, query, viewer) in filters {
    var query = query
    query.limit = 50
    if label.contains("page 20") {
        var page = try await store.executions(query, viewer: viewer)
        for _ in 0..<19 { query.cursor = page.nextCursor.flatMap(HistoryCursor.init(token:)); page = try await store.executions(query, viewer: viewer) }
        query.cursor = page.nextCursor.flatMap(HistoryCursor.init(token:))
    }
    let fixed = query
    try await measure(label) { _ = try await store.executions(fixed, viewer: viewer) }
}
try await measure("fetch by id (random ids)") {
    let id = ids[Int(random.next() % UInt64(ids.count))]
    guard try await store.execution(id: id, viewer: .everyone) != nil else { fatalError("missing \(id)") }
}
let searches: [(String, HistoryQuery)] = [
    ("search q=total_42 (rare identifier)", HistoryQuery(text: "total_42")),
    ("search q=pandas (5 % of rows)", HistoryQuery(text: "pandas")),
    ("search q=print (most rows)", HistoryQuery(text: "print")),
    ("search q=\"not defined\" + status=failed", HistoryQuery(status: .failed, text: "not defined")),
]
for (label, query) in searches {
    try await measure(label) { _ = try await store.executions(query, viewer: .everyone) }
}
try await measure("errors, newest 50 with resolutions") { _ = try await store.errors(HistoryQuery(), viewer: .everyone) }
try await measure("common errors, since 24h") {
    _ = try await store.commonErrors(HistoryQuery(since: now.addingTimeInterval(-86400), limit: 10), viewer: .everyone)
}
try await measure("common errors, since 7d") {
    _ = try await store.commonErrors(HistoryQuery(since: now.addingTimeInterval(-7 * 86400), limit: 10), viewer: .everyone)
}
try await measure("common errors, all 30 days") {
    _ = try await store.commonErrors(HistoryQuery(limit: 10), viewer: .everyone)
}

// Recording under concurrent executions: 8 at a time, each accepted then finished, durability
// NORMAL as in the daemon; latency is per write call (what an execution waits for).
print("recording under 8 concurrent executions (durability NORMAL, as the daemon):")
do {
    let total = min(4000, max(800, options.records / 50))
    var generator = Random(state: 99)
    var failures: [String] = []
    var work: [(AcceptedExecution, ExecutionResult)] = []
    for index in 0..<total {
        work.append(synthetic(index: index, at: Date().addingTimeInterval(Double(index) / 1000), random: &generator, failures: &failures))
    }
    let started = ContinuousClock.now
    let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
        // The daemon's HistoryCheckpointer: a passive checkpoint every second, beside the writer.
        group.addTask {
            while !Task.isCancelled {
                try await store.checkpoint()
                try? await Task.sleep(for: .seconds(1))
            }
            return []
        }
        for lane in 0..<8 {
            let mine = stride(from: lane, to: work.count, by: 8).map { work[$0] }
            group.addTask {
                var durations: [Duration] = []
                for (accepted, result) in mine {
                    durations.append(try await time { try await store.accepted(accepted) })
                    durations.append(try await time { try await store.finished(accepted, result: result) })
                }
                return durations
            }
        }
        var all: [Duration] = []
        var lanes = 0
        for try await durations in group {
            all += durations
            lanes += 1
            if lanes == 8 { group.cancelAll() }
        }
        return all
    }
    let elapsed = ContinuousClock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    var timing = Timing()
    latencies.forEach { timing.add($0) }
    print(String(format: "  %d executions in %.2f s: %.0f executions/s (%.0f writes/s)", total, seconds, Double(total) / seconds, Double(2 * total) / seconds))
    print("  one write (accept or finish)                     \(timing.line)")
}

// Retention: one batch of 500 (the pruner's default), the time the writer lock is held.
print("retention:")
do {
    var timing = Timing()
    for _ in 0..<10 {
        timing.add(try await time {
            _ = try await store.prune(RetentionPolicy(maxAge: nil, maxRecords: 1), now: Date(), batchSize: 500)
        })
    }
    print("  prune one batch of 500 (oldest first)           \(timing.line)")
}
print("done")
