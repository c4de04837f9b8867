import Foundation
import Testing

@testable import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// Every seccomp rule proved on a real process: `warden-probe` loads the compiled program and
/// tries one system call; the test asserts the errno it exits with or the SIGSYS it dies from.
@Suite(.timeLimit(.minutes(1)))
struct SeccompTests {
    // MARK: The programs

    @Test(arguments: [Setting.stage1Offline, .stage1Online, .stage2WithoutSubprocess, .stage2WithSubprocess])
    func compiledProgramsAreWellFormed(setting: Setting) throws {
        let policy = setting.policies[0]
        let program = try SeccompCompiler.compile(policy)
        #expect(program.instructionCount > 0)
        #expect(program.instructionCount <= SeccompCompiler.maximumInstructions)
        #expect(program.bytes.count == program.instructionCount * 8)
        #expect(program.skippedSyscalls.isEmpty, "every rule's call exists on this architecture")
        #expect(try SeccompCompiler.compile(policy) == program, "compiling is deterministic")

        let instructions = Self.decode(program)
        // ld [4]: seccomp_data.arch, checked before anything else.
        #expect(instructions.first == BPFInstruction(code: 0x20, jt: 0, jf: 0, k: 4))
        #if arch(x86_64)
        // jeq AUDIT_ARCH_X86_64, else the bad-architecture action (kill).
        #expect(instructions[1].code == 0x15 && instructions[1].k == 0xc000_003e)
        #expect(instructions.contains { $0.code == 0x06 && $0.k == 0x8000_0000 }, "ret KILL_PROCESS")
        // jge __X32_SYSCALL_BIT: x32 numbers go to the bad-architecture action too.
        #expect(instructions.contains { $0.code == 0x35 && $0.k == 0x4000_0000 })
        #endif
    }

    @Test func stagesAndSettingsCompileToDifferentPrograms() throws {
        let offline = try SeccompCompiler.compile(.stage1(allowNetwork: false))
        let online = try SeccompCompiler.compile(.stage1(allowNetwork: true))
        let noExec = try SeccompCompiler.compile(.stage2(allowSubprocess: false))
        let exec = try SeccompCompiler.compile(.stage2(allowSubprocess: true))
        #expect(offline != online)
        #expect(noExec != exec)
        #expect(offline.instructionCount > online.instructionCount)
    }

    @Test func namesTheArchitectureLacksAreSkippedNotFatal() throws {
        let policy = SeccompPolicy(
            defaultAction: .allow,
            rules: [
                SeccompRule("warden_no_such_call", .errno(EPERM)), SeccompRule("ptrace", .errno(EPERM)),
                SeccompRule("warden_no_such_call", .killProcess),
            ]
        )
        let program = try SeccompCompiler.compile(policy)
        #expect(program.skippedSyscalls == ["warden_no_such_call"])
        #if arch(x86_64)
        // socketcall exists only on 32-bit x86 and others; libseccomp knows it as a pseudo-call.
        let multiplexed = SeccompPolicy(defaultAction: .allow, rules: [SeccompRule("socketcall", .killProcess)])
        #expect(try SeccompCompiler.compile(multiplexed).skippedSyscalls == ["socketcall"])
        #endif
    }

    @Test func aRuleLibseccompRejectsThrowsWithItsStep() {
        // A rule whose action is the default action is refused by libseccomp (EACCES).
        let policy = SeccompPolicy(defaultAction: .allow, rules: [SeccompRule("getpid", .allow)])
        #expect {
            try SeccompCompiler.compile(policy)
        } throws: { error in
            let jail = error as? JailError
            return jail?.step == "add the seccomp rule for getpid" && jail?.errno == EACCES
        }
    }

    #if arch(x86_64)
    @Test func syscallNumbersAreNamed() {
        #expect(SeccompCompiler.syscallName(101) == "ptrace")
        #expect(SeccompCompiler.syscallName(59) == "execve")
        #expect(SeccompCompiler.syscallName(435) == "clone3")
        #expect(SeccompCompiler.syscallName(-1) == nil)
        #expect(SeccompCompiler.syscallName(0x4000_0000 | 39) == nil)
        #expect(SeccompCompiler.syscallName(Int(Int32.max) + 1) == nil)
    }
    #endif

    @Test func rulesForOneCallShareOneAction() {
        for policy in [SeccompPolicy.stage1(allowNetwork: false), .stage2(allowSubprocess: false)] {
            let actions = Dictionary(grouping: policy.rules, by: \.syscall).mapValues { Set($0.map(\.action)) }
            for (name, set) in actions { #expect(set.count == 1, "\(name) has \(set)") }
        }
    }

    // MARK: Every rule on a real process

    @Test func everyRuleHasAProbeCase() {
        let probed = Set((Self.stage1Cases(allowNetwork: false) + Self.stage2Cases).map(\.syscall))
        let ruled = Set(
            (SeccompPolicy.stage1(allowNetwork: false).rules + SeccompPolicy.stage2(allowSubprocess: false).rules)
                .map(\.syscall)
        )
        #expect(ruled.subtracting(probed).isEmpty, "rules without a probe case")
    }

    @Test(arguments: SeccompTests.stage1Cases(allowNetwork: false))
    func stage1WithoutNetwork(_ probe: ProbeCase) throws {
        try Self.check(probe, under: [.stage1(allowNetwork: false)])
    }

    @Test(arguments: SeccompTests.stage1Cases(allowNetwork: true))
    func stage1WithNetwork(_ probe: ProbeCase) throws {
        try Self.check(probe, under: [.stage1(allowNetwork: true)])
    }

    @Test(arguments: SeccompTests.stage2Cases)
    func stage2WithoutSubprocess(_ probe: ProbeCase) throws {
        try Self.check(probe, under: [.stage2(allowSubprocess: false)])
        // Stacked on stage 1, as in a worker: stage 2's denials hold and stage 1's stay.
        try Self.check(probe, under: [.stage1(allowNetwork: false), .stage2(allowSubprocess: false)])
    }

    @Test(arguments: SeccompTests.stage1Cases(allowNetwork: false))
    func stage1StackedUnderStage2(_ probe: ProbeCase) throws {
        // Stage 2 loaded on top (as the harness does) leaves every stage-1 answer as it was.
        try Self.check(probe, under: [.stage1(allowNetwork: false), .stage2(allowSubprocess: false)])
    }

    @Test(arguments: SeccompTests.stage1Cases(allowNetwork: false))
    func zygoteFilterAndItsWorkersRulesAreStage1(_ probe: ProbeCase) throws {
        // A zygote worker's stack: the zygote's filter, then the rules it lacks.
        try Self.check(probe, under: [.zygote(), .zygoteWorker()])
    }

    @Test func zygoteWorkerRulesAreExactlyWhatTheZygoteLifts() {
        let stage1 = SeccompPolicy.stage1(allowNetwork: false).rules
        let zygote = SeccompPolicy.zygote().rules
        let worker = SeccompPolicy.zygoteWorker().rules
        #expect(zygote.count + worker.count == stage1.count)
        #expect(Set(worker.map(\.syscall)) == ["mount", "clone"])
        #expect(SeccompPolicy.zygoteWorker().defaultAction == .allow)
    }

    @Test func subprocessCapabilityAllowsExec() throws {
        for policies in [
            [SeccompPolicy.stage2(allowSubprocess: true)],
            [.stage1(allowNetwork: false), .stage2(allowSubprocess: true)],
        ] {
            try Self.withPrograms(policies) { files throws in
                #expect(try Self.run("execve", filters: files) == .exited(0))
                #expect(try Self.run("execveat", filters: files) == .exited(0))
            }
        }
    }

    static let ordinaryCalls: [(String, String?)] = [
        ("getpid", nil), ("read", nil), ("write", nil), ("openat", nil), ("mmap", nil), ("fork", nil),
        ("thread", nil), ("clone", "none"), ("socket", "unix"), ("socketpair", "unix"), ("ioctl", "fionread"),
        ("personality", "0xffffffff"), ("personality", "0"),
    ]

    @Test(arguments: [Setting.stage1Offline, .stage1Online, .stackedOffline, .stackedOnline])
    func ordinaryCallsStillWork(setting: Setting) throws {
        try Self.withPrograms(setting.policies) { files throws in
            for (name, argument) in Self.ordinaryCalls {
                #expect(try Self.run(name, argument, filters: files) == .exited(0), "\(name) \(argument ?? "")")
            }
        }
    }

    @Test func internetSocketsNeedTheNetworkSetting() throws {
        try Self.withPrograms([.stage1(allowNetwork: false)]) { files throws in
            #expect(try Self.run("socket", "inet", filters: files) == .exited(EPERM))
        }
        try Self.withPrograms([.stage1(allowNetwork: true)]) { files throws in
            #expect(try Self.run("socket", "inet", filters: files) == .exited(0))
        }
    }

    #if arch(x86_64)
    @Test(arguments: [Setting.stage1Offline, .stage2WithSubprocess])
    func x32CallsAreKilled(setting: Setting) throws {
        try Self.withPrograms(setting.policies) { files throws in
            // getpid with __X32_SYSCALL_BIT: the x32 ABI, whatever the kernel's support for it.
            #expect(try Self.run("x32", filters: files) == .signaled(SIGSYS))
        }
    }

    @Test(
        .enabled(
            if: SeccompTests.kernelRunsI386Calls(), "this kernel has no IA-32 emulation: int 0x80 faults first"),
        arguments: [Setting.stage1Offline, .stage2WithSubprocess]
    )
    func i386CallsAreKilled(setting: Setting) throws {
        try Self.withPrograms(setting.policies) { files throws in
            // getpid through int 0x80: the i386 ABI reports AUDIT_ARCH_I386.
            #expect(try Self.run("i386", filters: files) == .signaled(SIGSYS))
        }
    }

    /// Whether `int 0x80` reaches the kernel's system call code at all (the probe gets its pid
    /// unfiltered); if the probe cannot run, the test runs and reports that instead.
    static func kernelRunsI386Calls() -> Bool {
        (try? run("i386", filters: [])).map { $0 == .exited(0) } ?? true
    }
    #endif

    /// Without a filter each probe gets the kernel's own answer, which is never the filter's:
    /// the filtered outcome above is the filter's doing.
    @Test(.enabled(if: geteuid() == 0, "the probes' unfiltered answers are checked as root only"))
    func unfilteredProbesGetTheKernelsOwnAnswer() throws {
        for probe in Self.stage1Cases(allowNetwork: false) + Self.stage2Cases {
            guard case .denied(let action) = probe.expectation else { continue }
            let outcome = try Self.run(probe.syscall, probe.argument, filters: [])
            #expect(outcome != Self.outcome(of: action), "\(probe)")
            if case .signaled = outcome { Issue.record("\(probe) died unfiltered: \(outcome)") }
        }
    }

    /// `WARDEN_SECCOMP_DUMP=DIR swift test --filter SeccompTests` writes the compiled programs
    /// to DIR (stage1.bpf, stage1-network.bpf, stage2.bpf, stage2-subprocess.bpf) for
    /// `warden-probe --filter` by hand; see docs/seccomp.md.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["WARDEN_SECCOMP_DUMP"] != nil, "WARDEN_SECCOMP_DUMP unset"))
    func dumpProgramsWhenAsked() throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["WARDEN_SECCOMP_DUMP"] ?? ".")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let programs: [(String, SeccompPolicy)] = [
            ("stage1.bpf", .stage1(allowNetwork: false)), ("stage1-network.bpf", .stage1(allowNetwork: true)),
            ("stage2.bpf", .stage2(allowSubprocess: false)), ("stage2-subprocess.bpf", .stage2(allowSubprocess: true)),
        ]
        for (name, policy) in programs {
            try Data(SeccompCompiler.compile(policy).bytes).write(to: directory.appendingPathComponent(name))
        }
    }

    // MARK: The documentation

    @Test func documentationTableMatchesThePolicies() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/seccomp.md"), encoding: .utf8)
        // Rows read "| `name` | action | reason |", several names allowed in the first column.
        var documented: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 4 else { continue }
            // The names are the backquoted parts: every other piece between backquotes.
            let pieces = cells[1].components(separatedBy: "`")
            for index in stride(from: 1, to: pieces.count, by: 2) { documented[pieces[index]] = cells[2] }
        }
        let policies = [SeccompPolicy.stage1(allowNetwork: false), .stage2(allowSubprocess: false)]
        for rule in policies.flatMap(\.rules) {
            let expected =
                switch rule.action {
                case .killProcess: "kill"
                case .errno(let code): code == ENOSYS ? "ENOSYS" : "EPERM"
                case .allow: "allow"
                }
            #expect(documented[rule.syscall]?.hasPrefix(expected) == true, "docs/seccomp.md row for \(rule.syscall)")
        }
    }
}

// MARK: - Probe cases

extension SeccompTests {
    /// The filters a worker can have, named for test output.
    enum Setting: String, Sendable, CustomTestStringConvertible {
        case stage1Offline, stage1Online, stage2WithoutSubprocess, stage2WithSubprocess, stackedOffline, stackedOnline

        var policies: [SeccompPolicy] {
            switch self {
            case .stage1Offline: [.stage1(allowNetwork: false)]
            case .stage1Online: [.stage1(allowNetwork: true)]
            case .stage2WithoutSubprocess: [.stage2(allowSubprocess: false)]
            case .stage2WithSubprocess: [.stage2(allowSubprocess: true)]
            case .stackedOffline: [.stage1(allowNetwork: false), .stage2(allowSubprocess: false)]
            case .stackedOnline: [.stage1(allowNetwork: true), .stage2(allowSubprocess: true)]
            }
        }
        var testDescription: String { rawValue }
    }
}

extension SeccompTests {
    /// How a probe run ended.
    enum ProbeOutcome: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        var description: String {
            switch self {
            case .exited(let status): "exit \(status)"
            case .signaled(let signal): "signal \(signal)"
            }
        }
    }

    /// One probe invocation and what the filter must do with it.
    struct ProbeCase: Sendable, CustomTestStringConvertible, CustomStringConvertible {
        enum Expectation: Sendable {
            /// The rule's action: its errno, or death by SIGSYS.
            case denied(SeccompAction)
            /// Untouched: the same outcome as without any filter.
            case allowed
        }

        var syscall: String
        var argument: String?
        var expectation: Expectation

        var description: String {
            let call = argument.map { "\(syscall) \($0)" } ?? syscall
            return switch expectation {
            case .denied(let action): "\(call) → \(action)"
            case .allowed: "\(call) → allowed"
            }
        }
        var testDescription: String { description }
    }
}

extension SeccompTests {
    /// Arguments for the rules with conditions: the values each rule must deny and must let pass.
    static let conditionalProbes: [String: (denied: [String], allowed: [String])] = [
        "clone": (
            ["newns", "newcgroup", "newuts", "newipc", "newuser", "newpid", "newnet", "newuser|newnet"], ["none"]
        ),
        "personality": (
            [
                "1", "6", "8", "0x0040000", "0x0400000", "0x7fffffff", "0x80000000", "0xfffffffe",
                "0x100000000", "0x1ffffffff", "0xffffffffffffffff",
            ],
            ["0", "0xffffffff"]
        ),
        // Upper halves the kernel ignores must not slip a terminal request past the filter.
        "ioctl": (["tiocsti", "tioclinux", "0x100005412", "0xffffffff0000541c"], ["fionread", "0x5413"]),
        // An int to the kernel: 0x100000001 is AF_UNIX there, but the filter denies it (safe side).
        "socket": (["inet", "inet6", "netlink", "packet", "0x100000001"], ["unix"]),
        "socketpair": (["inet", "inet6"], ["unix"]),
    ]

    /// A case for every stage-1 rule: unconditional ones once, conditional ones per argument.
    static func stage1Cases(allowNetwork: Bool) -> [ProbeCase] {
        let denying = SeccompPolicy.stage1(allowNetwork: false)
        let policy = SeccompPolicy.stage1(allowNetwork: allowNetwork)
        var cases: [ProbeCase] = []
        var seen: Set<String> = []
        for rule in denying.rules where seen.insert(rule.syscall).inserted {
            // The network setting only drops rules; without its rule a call must pass untouched.
            let enforced = policy.rules.contains { $0.syscall == rule.syscall }
            if let probes = conditionalProbes[rule.syscall] {
                cases += probes.denied.map {
                    ProbeCase(
                        syscall: rule.syscall, argument: $0, expectation: enforced ? .denied(rule.action) : .allowed)
                }
                cases += probes.allowed.map { ProbeCase(syscall: rule.syscall, argument: $0, expectation: .allowed) }
            } else {
                cases.append(ProbeCase(syscall: rule.syscall, argument: nil, expectation: .denied(rule.action)))
            }
        }
        return cases
    }

    static let stage2Cases: [ProbeCase] = SeccompPolicy.stage2(allowSubprocess: false).rules.map {
        ProbeCase(syscall: $0.syscall, argument: nil, expectation: .denied($0.action))
    }

    static func outcome(of action: SeccompAction) -> ProbeOutcome {
        switch action {
        case .allow: .exited(0)
        case .errno(let code): .exited(code)
        case .killProcess: .signaled(SIGSYS)
        }
    }

    /// Runs `probe` under the stacked `policies` and checks its expectation.
    static func check(_ probe: ProbeCase, under policies: [SeccompPolicy]) throws {
        try Self.withPrograms(policies) { files throws in
            let outcome = try run(probe.syscall, probe.argument, filters: files)
            switch probe.expectation {
            case .denied(let action):
                #expect(outcome == Self.outcome(of: action), "\(probe)")
            case .allowed:
                let unfiltered = try run(probe.syscall, probe.argument, filters: [])
                #expect(outcome == unfiltered, "\(probe)")
            }
        }
    }
}

// MARK: - Running the probe

extension SeccompTests {
    /// One `struct sock_filter`, decoded from the program's bytes.
    struct BPFInstruction: Equatable {
        var code: UInt16
        var jt: UInt8
        var jf: UInt8
        var k: UInt32
    }

    static func decode(_ program: SeccompProgram) -> [BPFInstruction] {
        stride(from: 0, to: program.bytes.count, by: 8).map { offset in
            let b = program.bytes
            return BPFInstruction(
                code: UInt16(b[offset]) | UInt16(b[offset + 1]) << 8, jt: b[offset + 2], jf: b[offset + 3],
                k: UInt32(b[offset + 4]) | UInt32(b[offset + 5]) << 8 | UInt32(b[offset + 6]) << 16
                    | UInt32(b[offset + 7]) << 24
            )
        }
    }

    /// `warden-probe`, built next to the test bundle (build the `warden-probe` product first).
    static func probeURL() throws -> URL {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let url = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("warden-probe")
        try #require(
            FileManager.default.isExecutableFile(atPath: url.path),
            "\(url.path) is missing: build it with `swift build --product warden-probe`"
        )
        return url
    }

    /// Runs `warden-probe --no-new-privs [--filter FILE]… NAME [ARG]` with a 10-second limit.
    static func run(_ name: String, _ argument: String? = nil, filters: [String]) throws -> ProbeOutcome {
        let process = Process()
        process.executableURL = try probeURL()
        process.arguments =
            ["--no-new-privs"] + filters.flatMap { ["--filter", $0] } + [name] + (argument.map { [$0] } ?? [])
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.standardError
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + 10) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
            Issue.record("warden-probe \(name) \(argument ?? "") did not finish in 10 seconds")
        }
        let outcome: ProbeOutcome =
            switch process.terminationReason {
            case .exit: .exited(process.terminationStatus)
            case .uncaughtSignal: .signaled(process.terminationStatus)
            @unknown default: .exited(-1)
            }
        // 200-204: the probe itself failed (usage, filter, unknown name); never an errno.
        if case .exited(let status) = outcome, status >= 200 {
            Issue.record("warden-probe \(name) failed to run the probe: exit \(status)")
        }
        return outcome
    }
}

extension SeccompTests {
    /// Compiles `policies`, writes each program to a file in a fresh temporary directory, and
    /// passes the paths (in loading order) to `body`; the directory is removed afterwards.
    static func withPrograms<T>(_ policies: [SeccompPolicy], _ body: ([String]) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "warden-seccomp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var files: [String] = []
        for (index, policy) in policies.enumerated() {
            let file = directory.appendingPathComponent("filter-\(index).bpf")
            try Data(SeccompCompiler.compile(policy).bytes).write(to: file)
            files.append(file.path)
        }
        return try body(files)
    }
}

/// The kernel's audit record of a seccomp kill names the system call.
@Suite struct SeccompAuditTests {
    @Test func parsesTheKillRecordOfThePid() {
        let line = "5,750,5003637774,-;audit: type=1326 audit(1795522546.693:750): auid=4294967295 uid=2000000060 gid=2000000060 ses=4294967295 pid=24682 comm=\"python3\" exe=\"/usr/bin/python3.11\" sig=31 arch=c000003e syscall=175 compat=0 ip=0x7f770b67a829 code=0x80000000"
        #expect(SeccompAudit.parse(line, pid: 24682, uid: 2_000_000_060) == 175)
        #expect(SeccompAudit.parse(line, pid: 24682, uid: nil) == 175)
        #expect(SeccompAudit.parse(line, pid: 24683, uid: nil) == nil)
        #expect(SeccompAudit.parse(line, pid: 24682, uid: 7) == nil)
        #expect(SeccompAudit.parse(line.replacingOccurrences(of: "sig=31", with: "sig=0"), pid: 24682, uid: nil) == nil)
    }
}
