import Foundation
import Testing
import WardenProtocol
import WardenRuntime

#if canImport(Glibc)
import Glibc
#endif

/// The job's `files` and the stage-2 seccomp program on fd 5.
@Suite struct HarnessConfinementTests {
    /// A classic BPF program: `execve` and `execveat` fail with EPERM, everything else is
    /// allowed (no architecture check: a test fixture, not a policy).
    static func denyExecve() -> [UInt8]? {
        var names = utsname()
        guard uname(&names) == 0 else { return nil }
        let machine = withUnsafeBytes(of: &names.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let numbers: (execve: UInt32, execveat: UInt32)
        switch machine {
        case "x86_64": numbers = (59, 322)
        case "aarch64": numbers = (221, 281)
        default: return nil
        }
        let eperm: UInt32 = 0x0005_0000 | 1
        let allow: UInt32 = 0x7fff_0000
        let instructions: [(code: UInt16, jt: UInt8, jf: UInt8, k: UInt32)] = [
            (0x20, 0, 0, 0),  // load seccomp_data.nr
            (0x15, 0, 1, numbers.execve), (0x06, 0, 0, eperm),
            (0x15, 0, 1, numbers.execveat), (0x06, 0, 0, eperm),
            (0x06, 0, 0, allow),
        ]
        var bytes: [UInt8] = []
        for instruction in instructions {
            withUnsafeBytes(of: instruction.code) { bytes += $0 }
            bytes += [instruction.jt, instruction.jf]
            withUnsafeBytes(of: instruction.k) { bytes += $0 }
        }
        return bytes
    }

    @Test func filesAreWrittenBeforeTheCodeRuns() throws {
        let code = """
            import csv
            with open('data.csv') as f:
                rows = list(csv.reader(f))
            with open('nested/dir/notes.txt', encoding='utf-8') as f:
                notes = f.read()
            print(rows, notes)
            """
        let run = try Harness.run(
            code, allowedModules: nil, files: ["data.csv": "a,b\n1,2\n", "nested/dir/notes.txt": "héllo"]
        )
        #expect(run.report.status == .ok)
        #expect(run.stdout == "[['a', 'b'], ['1', '2']] héllo\n")
    }

    @Test func unsafeFileNamesAreRefusedBeforeAnythingRuns() throws {
        for name in ["../escape.txt", "/etc/passwd-copy", "a/./b", ""] {
            let launched = try Harness.launch("print('ran')", files: [name: "x"])
            #expect(launched.exitStatus == 70)
            #expect(launched.reportBytes.isEmpty)
            #expect(launched.stdout == "")
        }
    }

    @Test func stageTwoSeccompIsLoadedBeforeTheUsersCode() throws {
        let program = try #require(Self.denyExecve())
        // Were the filter missing, /bin/true would replace the harness and no report would come.
        let code = """
            import os
            try:
                os.execv('/bin/true', ['true'])
            except PermissionError as error:
                print('denied', error.errno)
            """
        let run = try Harness.run(code, allowedModules: nil, seccomp: program)
        #expect(run.report.status == .ok)
        #expect(run.stdout == "denied 1\n")
        // The descriptor it came on is closed before the code runs.
        let closed = try Harness.run(
            "import os\ntry:\n    os.fstat(5)\nexcept OSError:\n    print('closed')\n", allowedModules: nil, seccomp: program
        )
        #expect(closed.stdout == "closed\n")
    }

    @Test func aBrokenSeccompProgramFailsClosed() throws {
        // Not a whole number of instructions: the code must not run, and no report is written.
        let launched = try Harness.launch("print('ran')", allowedModules: nil, seccomp: [1, 2, 3, 4, 5])
        #expect(launched.exitStatus == 70)
        #expect(launched.reportBytes.isEmpty)
        #expect(launched.stdout == "")
        #expect(launched.stderr.contains("warden harness: internal error"))

        // A program the kernel refuses (a jump out of range).
        var invalid: [UInt8] = [0x15, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00]
        invalid += [0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x7f]
        let refused = try Harness.launch("print('ran')", allowedModules: nil, seccomp: invalid)
        #expect(refused.exitStatus == 70)
        #expect(refused.reportBytes.isEmpty)
        #expect(refused.stdout == "")
    }
}
