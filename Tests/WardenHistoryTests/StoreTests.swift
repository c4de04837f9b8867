import Foundation
import GRDB
import Testing
import WardenProtocol

@testable import WardenHistory

@Suite struct StoreTests {
    @Test func migrationsCreateTheSchemaOnceAndReopenCleanly() async throws {
        try await withStore { store, path in
            let applied = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
            #expect(applied == ["v1: executions, indexes, full-text search", "v2: execution count, failures by time"])
            let mode = try await store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal")
            let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(permissions == 0o600)
            try await store.run(Make.accepted(at: 1)) { Make.success($0) }
            // Reopening migrates nothing and keeps the data.
            let again = try SQLiteExecutionStore(path: path, durability: .normal)
            #expect(try await again.ids().count == 1)
            let tables = try await again.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'execution%' ORDER BY name")
            }
            #expect(tables.contains("execution") && tables.contains("execution_fts"))
            #expect(try await again.pool.read { db in try Int.fetchOne(db, sql: "SELECT total FROM execution_count") } == 1)
            try await again.checkpoint()
        }
    }

    @Test func theSchemaRefusesInconsistentRows() async throws {
        try await withStore { store, _ in
            try await store.accepted(Make.accepted(at: 1))
            await #expect(throws: DatabaseError.self) {
                try await store.pool.write { db in try db.execute(sql: "UPDATE execution SET status = 'succeeded'") }
            }
            await #expect(throws: DatabaseError.self) {
                try await store.pool.write { db in try db.execute(sql: "UPDATE execution SET status = 'done'") }
            }
        }
    }

    @Test func aNewFileThatIsNotADatabaseIsRefusedWithItsPath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wh-\(UUID().uuidString).sqlite").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x41, count: 4096))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try SQLiteExecutionStore(path: path, durability: .normal)
        } throws: { error in
            "\(error)".contains("could not open the history at \(path)")
        }
    }

    @Test func acceptedIsRunningThenFinishedHasItsResult() async throws {
        try await withStore { store, _ in
            let execution = Make.accepted(at: 5, code: "x = 1\nprint(x)", metadata: ["conversation": .string("c-42")])
            try await store.accepted(execution)
            let running = try #require(try await store.execution(id: execution.id, viewer: .everyone))
            #expect(running.status == .running)
            #expect(running.result == nil && running.finishedAt == nil)
            #expect(running.request.code == "x = 1\nprint(x)")
            #expect(running.request.capabilities == ["import:numpy"])
            #expect(running.metadata == ["conversation": .string("c-42")])
            #expect(running.caller == HistoryCaller(uid: 1000, gid: 1000, pid: 4242, userName: "user1000"))
            #expect(running.limits == Make.limits)
            #expect(running.acceptedAt == "2025-10-09T08:53:25.000Z")

            let result = Make.success(execution)
            try await store.finished(execution, result: result)
            let done = try #require(try await store.execution(id: execution.id, viewer: .everyone))
            #expect(done.status == .succeeded)
            #expect(done.result == result)
            #expect(done.durationSeconds == 0.031)
            #expect(done.peakMemoryBytes == 9_500_000)
            #expect(done.finishedAt != nil)
            #expect(done.errorPattern == nil)
        }
    }

    @Test func aFailureStoresItsErrorColumnsAndPattern() async throws {
        try await withStore { store, _ in
            let execution = Make.accepted(at: 1, code: "print(totl)")
            try await store.run(execution) { Make.nameError($0, name: "totl", suggestion: "total") }
            let summary = try #require(try await store.executions(HistoryQuery(), viewer: .everyone).executions.first)
            #expect(summary.status == .failed)
            #expect(summary.errorCategory == .runtimeError)
            #expect(summary.errorType == "NameError")
            #expect(summary.errorMessage == "name 'totl' is not defined")
            #expect(summary.errorPattern == "NameError with undefined variables")
            #expect(summary.codePreview == "print(totl)")
        }
    }

    @Test func finishedWithoutAcceptedWritesTheWholeRecord() async throws {
        try await withStore { store, _ in
            let execution = Make.accepted(at: 1)
            try await store.finished(execution, result: Make.success(execution))
            let record = try #require(try await store.execution(id: execution.id, viewer: .everyone))
            #expect(record.status == .succeeded)
            #expect(record.request.code == execution.request.code)
        }
    }

    @Test func largeInputsAreStoredAsSizes() async throws {
        try await withStore { store, _ in
            let big = String(repeating: "a,b\n", count: 20_000)
            let execution = Make.accepted(at: 1, files: ["data.csv": big, "small.txt": "x"])
            try await store.accepted(execution)
            let record = try #require(try await store.execution(id: execution.id, viewer: .everyone))
            #expect(record.request.files.isEmpty)
            #expect(record.requestOmissions == RequestOmissions(files: ["data.csv": 80_000, "small.txt": 1]))
            let small = Make.accepted(at: 2, files: ["small.txt": "x"])
            try await store.accepted(small)
            #expect(try await store.execution(id: small.id, viewer: .everyone)?.request.files == ["small.txt": "x"])
        }
    }

    @Test func runningRowsAreClosedAsInterruptedAfterARestart() async throws {
        try await withStore { store, path in
            let done = Make.accepted(at: 1)
            try await store.run(done) { Make.success($0) }
            let inFlight = [Make.accepted(at: 2), Make.accepted(at: 3, salt: 1)]
            for execution in inFlight { try await store.accepted(execution) }

            // A new process opens the same file, as a restarted daemon does.
            let restarted = try SQLiteExecutionStore(path: path, durability: .normal)
            let closed = try await restarted.closeInterrupted(at: Make.base.addingTimeInterval(60))
            #expect(closed == inFlight.map(\.id))
            for execution in inFlight {
                let record = try #require(try await restarted.execution(id: execution.id, viewer: .everyone))
                #expect(record.status == .failed)
                let result = try #require(record.result)
                #expect(result.errorCategory == .systemError)
                #expect(result.errorDetails?.errorMessage == "interrupted by daemon restart")
                #expect(result.retryable)
                #expect(result.executionId == execution.id)
                #expect(result.limits == Make.limits)
                #expect(record.errorPattern == "system error: interrupted by daemon restart")
            }
            #expect(try await restarted.execution(id: done.id, viewer: .everyone)?.status == .succeeded)
            #expect(try await restarted.closeInterrupted(at: Date()).isEmpty)
            #expect(try await restarted.ids(HistoryQuery(status: .running)).isEmpty)
        }
    }

    @Test func eachFilterNarrows() async throws {
        try await withStore { store, _ in
            let ok = Make.accepted(at: 10, code: "total = 1", uid: 1000, client: "ray")
            try await store.run(ok) { Make.success($0) }
            let name = Make.accepted(at: 20, code: "print(totl)", uid: 1000, client: "ray")
            try await store.run(name) { Make.nameError($0, name: "totl") }
            let zero = Make.accepted(at: 30, code: "1/0", uid: 1001, client: "grader")
            try await store.run(zero) { Make.failure($0, type: "ZeroDivisionError", message: "division by zero") }
            let syntax = Make.accepted(at: 40, code: "if x = 5:", uid: 1001, client: nil)
            try await store.run(syntax) { Make.failure($0, category: .syntaxError, type: "SyntaxError", message: "invalid syntax") }
            let running = Make.accepted(at: 50, uid: 1000)
            try await store.accepted(running)

            #expect(try await store.ids() == [running.id, syntax.id, zero.id, name.id, ok.id])
            #expect(try await store.ids(HistoryQuery(status: .succeeded)) == [ok.id])
            #expect(try await store.ids(HistoryQuery(status: .failed)) == [syntax.id, zero.id, name.id])
            #expect(try await store.ids(HistoryQuery(status: .running)) == [running.id])
            #expect(try await store.ids(HistoryQuery(category: .syntaxError)) == [syntax.id])
            #expect(try await store.ids(HistoryQuery(category: .runtimeError)) == [zero.id, name.id])
            #expect(try await store.ids(HistoryQuery(errorType: "NameError")) == [name.id])
            #expect(try await store.ids(HistoryQuery(client: "grader")) == [zero.id])
            #expect(try await store.ids(HistoryQuery(uid: 1001)) == [syntax.id, zero.id])
            #expect(try await store.ids(HistoryQuery(since: Make.base.addingTimeInterval(30))) == [running.id, syntax.id, zero.id])
            #expect(try await store.ids(HistoryQuery(until: Make.base.addingTimeInterval(20))) == [name.id, ok.id])
            #expect(
                try await store.ids(HistoryQuery(since: Make.base.addingTimeInterval(15), until: Make.base.addingTimeInterval(35)))
                    == [zero.id, name.id]
            )
            #expect(try await store.ids(HistoryQuery(status: .failed, client: "ray")) == [name.id])
            #expect(try await store.ids(HistoryQuery(limit: 2)) == [running.id, syntax.id])
        }
    }

    @Test func paginationIsStableWhileExecutionsAreAdded() async throws {
        try await withStore { store, _ in
            var original: [String] = []
            for index in 0..<120 {
                let execution = Make.accepted(at: Double(index), salt: index)
                try await store.run(execution) { Make.success($0) }
                original.insert(execution.id, at: 0)
            }
            var seen: [String] = []
            var cursor: HistoryCursor?
            var added = 0
            repeat {
                let page = try await store.executions(HistoryQuery(limit: 50, cursor: cursor), viewer: .everyone)
                seen += page.executions.map(\.executionId)
                cursor = page.nextCursor.flatMap(HistoryCursor.init(token:))
                // Newer executions arrive between pages; they must not shift the pages.
                for _ in 0..<7 {
                    added += 1
                    let execution = Make.accepted(at: 1000 + Double(added), salt: added)
                    try await store.run(execution) { Make.success($0) }
                }
            } while cursor != nil
            #expect(seen == original)
            #expect(Set(seen).count == seen.count)
        }
    }

    /// Once with each plan: rare words read their matches; common ones go through the id
    /// order in slabs (here of 1 and 2 executions, so that pages span several).
    @Test(arguments: [(10_000, 5000), (0, 1), (0, 2)]) func fullTextSearchCoversCodeAndErrorMessages(
        denseMatches: Int, slabSize: Int
    ) async throws {
        try await withStore(denseMatches: denseMatches, slabSize: slabSize) { store, _ in
            let pandas = Make.accepted(at: 1, code: "import pandas as pd\ndf = pd.read_csv('data.csv')")
            try await store.run(pandas) {
                Make.failure($0, category: .importError, type: "ModuleNotFoundError", message: "No module named 'pandas'")
            }
            let loop = Make.accepted(at: 2, code: "for item in items:\n    running_total += item")
            try await store.run(loop) { Make.nameError($0, name: "running_total") }
            let hello = Make.accepted(at: 3, code: "print('hello world')")
            try await store.run(hello) { Make.success($0) }

            #expect(try await store.ids(HistoryQuery(text: "read_csv")) == [pandas.id])
            #expect(try await store.ids(HistoryQuery(text: "module named")) == [pandas.id])
            #expect(try await store.ids(HistoryQuery(text: "running_total")) == [loop.id])
            #expect(try await store.ids(HistoryQuery(text: "not defined")) == [loop.id])
            #expect(try await store.ids(HistoryQuery(text: "HELLO")) == [hello.id])
            #expect(try await store.ids(HistoryQuery(text: "hello pandas")).isEmpty)
            // FTS5 syntax in the text is searched as plain words, never parsed.
            #expect(try await store.ids(HistoryQuery(text: "\"pandas\" OR NOT (hello*")).isEmpty)
            #expect(try await store.ids(HistoryQuery(text: "pandas AND")).isEmpty)
            #expect(try await store.ids(HistoryQuery(status: .succeeded, text: "print")) == [hello.id])
            #expect(try await store.ids(HistoryQuery(text: "item")) == [loop.id])
            let page = try await store.executions(HistoryQuery(text: "pandas running_total hello", limit: 1), viewer: .everyone)
            #expect(page.executions.isEmpty && page.nextCursor == nil)
            #expect(try await store.errors(HistoryQuery(text: "pandas"), viewer: .everyone).errorHistory.map(\.executionId) == [pandas.id])
            // Search results page like any listing.
            var more: [String] = []
            for index in 0..<7 {
                let execution = Make.accepted(at: 10 + Double(index), salt: index, code: "print('page \(index)')")
                try await store.run(execution) { Make.success($0) }
                more.insert(execution.id, at: 0)
            }
            var seen: [String] = []
            var cursor: HistoryCursor?
            repeat {
                let page = try await store.executions(HistoryQuery(text: "print", limit: 3, cursor: cursor), viewer: .everyone)
                seen += page.executions.map(\.executionId)
                cursor = page.nextCursor.flatMap(HistoryCursor.init(token:))
            } while cursor != nil
            #expect(seen == more + [hello.id])
        }
    }

    @Test func aFixLinkedByRetryOfResolvesTheFailure() async throws {
        try await withStore { store, _ in
            let failing = Make.accepted(at: 1, code: "total = 10\nitems = [1, 2]\nprint(totl)\n")
            try await store.run(failing) { Make.nameError($0, name: "totl", suggestion: "total") }
            let fixed = Make.accepted(at: 2, code: "total = 10\nitems = [1, 2]\nprint(total)\n", retryOf: failing.id)
            try await store.run(fixed) { Make.success($0) }
            let unresolved = Make.accepted(at: 3, code: "1/0")
            try await store.run(unresolved) { Make.failure($0, type: "ZeroDivisionError", message: "division by zero") }

            let page = try await store.errors(HistoryQuery(), viewer: .everyone)
            #expect(page.errorHistory.map(\.executionId) == [unresolved.id, failing.id])
            let entry = page.errorHistory[1]
            let resolution = try #require(entry.resolution)
            #expect(resolution.executionId == fixed.id)
            #expect(resolution.attempts == 1)
            #expect(resolution.description == "line 3: `print(totl)` → `print(total)`")
            #expect(resolution.changes == [LineChange(line: 3, before: "print(totl)", after: "print(total)")])
            #expect(entry.learning == "Did you mean 'total'?")
            #expect(entry.errorType == "NameError")
            #expect(entry.errorPattern == "NameError with undefined variables")
            #expect(page.errorHistory[0].resolution == nil && page.errorHistory[0].learning == nil)
            #expect(try await store.execution(id: failing.id, viewer: .everyone)?.retries == [fixed.id])
            let resolvedOnly = try await store.errors(HistoryQuery(resolved: true), viewer: .everyone)
            #expect(resolvedOnly.errorHistory.map(\.executionId) == [failing.id] && resolvedOnly.nextCursor == nil)
            let unresolvedOnly = try await store.errors(HistoryQuery(resolved: false, limit: 1), viewer: .everyone)
            #expect(unresolvedOnly.errorHistory.map(\.executionId) == [unresolved.id] && unresolvedOnly.nextCursor == nil)
            // A full page continues after its last entry.
            let older = Make.accepted(at: 0.5, code: "[][1]")
            try await store.run(older) { Make.failure($0, type: "IndexError", message: "list index out of range") }
            let first = try await store.errors(HistoryQuery(resolved: false, limit: 1), viewer: .everyone)
            #expect(first.errorHistory.map(\.executionId) == [unresolved.id])
            let rest = try await store.errors(
                HistoryQuery(resolved: false, limit: 1, cursor: first.nextCursor.flatMap(HistoryCursor.init(token:))),
                viewer: .everyone
            )
            #expect(rest.errorHistory.map(\.executionId) == [older.id] && rest.nextCursor == nil)
        }
    }

    @Test func aResolutionFollowsAChainOfRetriesAndRespectsVisibility() async throws {
        try await withStore { store, _ in
            let first = Make.accepted(at: 1, code: "import numpy\nprint(numpy.zeros(3))")
            try await store.run(first) {
                Make.failure($0, category: .importError, type: "ModuleNotFoundError", message: "No module named 'numpy'")
            }
            let second = Make.accepted(at: 2, code: "import nump\nprint(nump.zeros(3))", retryOf: first.id)
            try await store.run(second) {
                Make.failure($0, category: .importError, type: "ModuleNotFoundError", message: "No module named 'nump'")
            }
            let third = Make.accepted(at: 3, code: "print([0.0] * 3)", retryOf: second.id)
            try await store.run(third) { Make.success($0) }

            let entries = try await store.errors(HistoryQuery(), viewer: .everyone).errorHistory
            let resolution = try #require(entries.first { $0.executionId == first.id }?.resolution)
            #expect(resolution.executionId == third.id)
            #expect(resolution.attempts == 2)
            #expect(resolution.description == "line 1 removed: `import numpy`; line 2 removed: `print(numpy.zeros(3))`; line 1 added: `print([0.0] * 3)`")

            // A retry by another uid is not shown to the owner of the failure.
            let mine = Make.accepted(at: 10, code: "print(x)", uid: 2000)
            try await store.run(mine) { Make.nameError($0, name: "x") }
            let theirs = Make.accepted(at: 11, code: "x = 1\nprint(x)", uid: 3000, retryOf: mine.id)
            try await store.run(theirs) { Make.success($0) }
            let own = try await store.errors(HistoryQuery(), viewer: .uid(2000)).errorHistory
            #expect(own.map(\.executionId) == [mine.id])
            #expect(own[0].resolution == nil)
            let admin = try await store.errors(HistoryQuery(), viewer: .everyone).errorHistory
            #expect(admin.first { $0.executionId == mine.id }?.resolution?.executionId == theirs.id)
            #expect(admin.first { $0.executionId == mine.id }?.learning == "Define 'x' before using it")
        }
    }

    @Test func commonErrorsCountPatternsWithCausesAndExamples() async throws {
        try await withStore { store, _ in
            for (index, name) in ["totl", "cout", "lenght", "x"].enumerated() {
                try await store.run(Make.accepted(at: Double(index), salt: index, code: "print(\(name))")) {
                    Make.nameError($0, name: name)
                }
            }
            for index in 0..<2 {
                try await store.run(Make.accepted(at: 10 + Double(index), salt: index, code: "1/0")) {
                    Make.failure($0, type: "ZeroDivisionError", message: "division by zero")
                }
            }
            try await store.run(Make.accepted(at: 20, code: "while True: pass")) {
                Make.failure($0, category: .timeoutError, type: "ExecutionTimeout", message: "Timed out after 30 s") {
                    $0.limitKind = .wall
                }
            }
            try await store.run(Make.accepted(at: 21)) { Make.success($0) }

            let report = try await store.commonErrors(HistoryQuery(limit: 10), viewer: .everyone)
            #expect(report.totalFailures == 7)
            #expect(report.commonErrors.map(\.errorPattern) == ["NameError with undefined variables", "ZeroDivisionError", "timeout (wall)"])
            #expect(report.commonErrors.map(\.frequency) == [4, 2, 1])
            let names = report.commonErrors[0]
            #expect(names.typicalCauses == ["Typos", "Scope issues", "Initialization problems"])
            #expect(names.exampleIds == [Make.id(at: 3, salt: 3), Make.id(at: 2, salt: 2), Make.id(at: 1, salt: 1)])
            #expect(names.errorCategory == .runtimeError)
            #expect(names.firstSeen == HistoryTime.string(Make.base))
            #expect(report.commonErrors[2].errorCategory == .timeoutError)

            let recent = try await store.commonErrors(HistoryQuery(since: Make.base.addingTimeInterval(10)), viewer: .everyone)
            #expect(recent.commonErrors.map(\.errorPattern) == ["ZeroDivisionError", "timeout (wall)"])
            #expect(recent.since == HistoryTime.string(Make.base.addingTimeInterval(10)))
            let top = try await store.commonErrors(HistoryQuery(limit: 1), viewer: .everyone)
            #expect(top.commonErrors.count == 1)
        }
    }

    @Test func retentionPrunesOldestFinishedInSmallBatches() async throws {
        try await withStore { store, _ in
            for index in 0..<25 {
                try await store.run(Make.accepted(at: Double(index), salt: index)) { Make.success($0) }
            }
            let oldRunning = Make.accepted(at: 0.5)
            try await store.accepted(oldRunning)
            for index in 0..<5 {
                try await store.run(Make.accepted(at: 86400 * 40 + Double(index), salt: index)) { Make.success($0) }
            }
            let now = Make.base.addingTimeInterval(86400 * 40 + 10)
            let byAge = RetentionPolicy(maxAge: 30 * 86400, maxRecords: nil)
            var batches: [Int] = []
            while true {
                let removed = try await store.prune(byAge, now: now, batchSize: 10)
                batches.append(removed)
                if removed == 0 { break }
            }
            #expect(batches == [10, 10, 5, 0])
            // The running one is never pruned, whatever its age.
            #expect(try await store.ids().count == 6)
            #expect(try await store.execution(id: oldRunning.id, viewer: .everyone) != nil)

            let byCount = RetentionPolicy(maxAge: nil, maxRecords: 3)
            #expect(try await store.prune(byCount, now: now, batchSize: 2) == 2)
            #expect(try await store.prune(byCount, now: now, batchSize: 2) == 1)
            #expect(try await store.prune(byCount, now: now, batchSize: 2) == 0)
            let kept = try await store.ids()
            #expect(kept == [Make.id(at: 86400 * 40 + 4, salt: 4), Make.id(at: 86400 * 40 + 3, salt: 3), oldRunning.id])
            // Pruned rows leave the full-text index too.
            #expect(try await store.ids(HistoryQuery(text: "hello")).count == 3)
            let indexed = try await store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM execution_fts WHERE execution_fts MATCH 'hello'")
            }
            #expect(indexed == 3)
        }
    }

    @Test func thePrunerRunsPassesUntilNothingIsLeft() async throws {
        try await withStore { store, _ in
            for index in 0..<23 {
                try await store.run(Make.accepted(at: Double(index), salt: index)) { Make.success($0) }
            }
            let pruner = HistoryPruner(
                store: store, policy: RetentionPolicy(maxAge: nil, maxRecords: 5), batchSize: 4, pause: .milliseconds(1),
                logger: .init(label: "test")
            )
            #expect(await pruner.pass() == 18)
            #expect(try await store.ids().count == 5)
            #expect(await pruner.pass() == 0)
        }
    }

    @Test func aCallerSeesOnlyItsOwnExecutions() async throws {
        try await withStore { store, _ in
            let mine = Make.accepted(at: 1, code: "print(secret_mine)", uid: 1000)
            try await store.run(mine) { Make.nameError($0, name: "secret_mine") }
            let theirs = Make.accepted(at: 2, code: "print(secret_theirs)", uid: 1001)
            try await store.run(theirs) { Make.nameError($0, name: "secret_theirs") }

            #expect(try await store.ids(viewer: .uid(1000)) == [mine.id])
            #expect(try await store.ids(viewer: .uid(1001)) == [theirs.id])
            #expect(try await store.ids(viewer: .everyone) == [theirs.id, mine.id])
            #expect(try await store.ids(HistoryQuery(text: "secret_theirs"), viewer: .uid(1000)).isEmpty)
            #expect(try await store.ids(HistoryQuery(uid: 1001), viewer: .uid(1000)).isEmpty)
            #expect(try await store.execution(id: theirs.id, viewer: .uid(1000)) == nil)
            #expect(try await store.execution(id: theirs.id, viewer: .uid(1001)) != nil)
            #expect(try await store.errors(HistoryQuery(), viewer: .uid(1000)).errorHistory.map(\.executionId) == [mine.id])
            #expect(try await store.commonErrors(HistoryQuery(), viewer: .uid(1000)).totalFailures == 1)
            #expect(try await store.commonErrors(HistoryQuery(), viewer: .everyone).totalFailures == 2)
        }
    }

    @Test func adminsAreRootConfiguredUIDsAndGroupMembers() {
        let access = HistoryAccess(adminUIDs: [1500], adminGIDs: [900])
        #expect(access.viewer(for: CallerIdentity(uid: 0, gid: 0, pid: 1)) == .everyone)
        #expect(access.viewer(for: CallerIdentity(uid: 1500, gid: 1500, pid: 1)) == .everyone)
        #expect(access.viewer(for: CallerIdentity(uid: 1600, gid: 900, pid: 1)) == .everyone)
        #expect(access.viewer(for: CallerIdentity(uid: 1700, gid: 1700, pid: 1), groups: { _ in [1700, 900] }) == .everyone)
        #expect(access.viewer(for: CallerIdentity(uid: 1800, gid: 1800, pid: 1), groups: { _ in [1800, 27] }) == .uid(1800))
        #expect(HistoryAccess().viewer(for: CallerIdentity(uid: 1000, gid: 1000, pid: 1)) == .uid(1000))
    }

    @Test func timeBoundsMatchTheIdsOfTheirInstant() {
        let instant = Make.base.addingTimeInterval(12.345)
        let id = Make.id(at: 12.345, salt: 99)
        #expect(ExecutionIDRange.lowerBound(instant) <= id)
        #expect(id < ExecutionIDRange.upperBound(instant))
        #expect(ExecutionIDRange.upperBound(instant) <= ExecutionIDRange.lowerBound(instant.addingTimeInterval(0.001)))
    }
}
