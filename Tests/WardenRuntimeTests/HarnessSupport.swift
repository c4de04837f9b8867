import Foundation
import Testing
import WardenProtocol
import WardenRuntime

/// Runs the bundled harness the way the supervisor does (`/usr/bin/python3 -I -S -B harness.py`
/// with real descriptors 3 and 4), without any confinement: fixtures must stay benign.
enum Harness {
    static let python = "/usr/bin/python3"

    struct Run {
        var exitStatus: Int
        var stdout: String
        var stderr: String
        var reportBytes: [UInt8]
        var report: HarnessReport
    }

    /// What came out, before the report is decoded.
    struct Launch {
        var exitStatus: Int
        var stdout: String
        var stderr: String
        var reportBytes: [UInt8]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Creates the job memfd (offset left at its end, as a writer would), the report pipe and,
    /// when asked, the stage-2 seccomp memfd; places them at fds 4, 3 and 5, runs the harness
    /// as the supervisor does and returns everything as JSON.
    static let launcher = #"""
        import base64, fcntl, json, os, signal, subprocess, sys, tempfile, threading
        spec = json.loads(sys.stdin.read())

        def high(fd):
            moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
            os.close(fd)
            return moved

        job = high(os.memfd_create("job"))
        os.write(job, spec["job"].encode("utf-8"))
        read_end, write_end = (high(fd) for fd in os.pipe())
        os.dup2(write_end, 3)
        os.dup2(job, 4)
        os.close(write_end)
        os.close(job)
        passed = [3, 4]
        if spec.get("seccomp") is not None:
            program = high(os.memfd_create("seccomp"))
            os.write(program, base64.b64decode(spec["seccomp"]))
            os.dup2(program, 5)
            os.close(program)
            passed.append(5)
        chunks = []

        def drain():
            while True:
                chunk = os.read(read_end, 65536)
                if not chunk:
                    break
                chunks.append(chunk)

        with tempfile.TemporaryDirectory() as cwd:
            child = subprocess.Popen(
                [sys.executable, "-I", "-S", "-B", "-X", "utf8", spec["harness"]],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                pass_fds=passed, cwd=cwd, env={"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
            )
            for fd in passed:
                os.close(fd)
            reader = threading.Thread(target=drain)
            reader.start()
            if spec.get("signal_after") is not None:
                threading.Timer(spec["signal_after"], lambda: child.send_signal(signal.SIGUSR2)).start()
            try:
                out, err = child.communicate(spec["stdin"].encode("utf-8"), timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()
                out, err = child.communicate()
            reader.join()
        print(json.dumps({
            "exit": child.returncode,
            "stdout": out.decode("utf-8", "replace"),
            "stderr": err.decode("utf-8", "replace"),
            "report": base64.b64encode(b"".join(chunks)).decode("ascii"),
        }))
        """#

    /// Plain CPython: the code compiled as "<string>", its source in linecache (lines
    /// newline-terminated, as linecache stores a real file), run by exec() from a module's
    /// top level, the exception printed by `traceback` without that outer frame.
    static let reference = #"""
        import json, linecache, sys, traceback
        code = sys.stdin.read()
        lines = code.splitlines(True)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        linecache.cache["<string>"] = (len(code), None, lines, "<string>")
        namespace = {"__name__": "__main__", "__builtins__": __builtins__}
        result = {"traceback": None, "offset": None, "lineno": None}
        try:
            exec(compile(code, "<string>", "exec"), namespace)
        except SyntaxError as error:
            if error.__traceback__.tb_next is None:
                result["traceback"] = "".join(traceback.format_exception_only(error))
                result["offset"], result["lineno"] = error.offset, error.lineno
            else:
                error = error.with_traceback(error.__traceback__.tb_next)
                result["traceback"] = "".join(traceback.format_exception(error))
        except BaseException as error:
            error = error.with_traceback(error.__traceback__.tb_next)
            result["traceback"] = "".join(traceback.format_exception(error))
        print(json.dumps(result))
        """#

    struct Reference: Decodable {
        var traceback: String?
        var offset: Int?
        var lineno: Int?
    }

    private struct LauncherOutput: Decodable {
        var exit: Int
        var stdout: String
        var stderr: String
        var report: String
    }

    static func run(
        _ code: String, detail: DetailLevel = .standard, trace: Bool = false, securityLevel: SecurityLevel = .strict,
        allowedModules: [String]? = nil, maxValueChars: Int = 1000, files: [String: String] = [:],
        seccomp: [UInt8]? = nil, stdin: String = "", signalAfter: Double? = nil
    ) throws -> Run {
        let launched = try launch(
            code, detail: detail, trace: trace, securityLevel: securityLevel, allowedModules: allowedModules,
            maxValueChars: maxValueChars, files: files, seccomp: seccomp, stdin: stdin, signalAfter: signalAfter
        )
        switch HarnessReportDecoder.decode(launched.reportBytes) {
        case .success(let report):
            return Run(
                exitStatus: launched.exitStatus, stdout: launched.stdout, stderr: launched.stderr,
                reportBytes: launched.reportBytes, report: report
            )
        case .failure(let problem):
            let text = String(decoding: launched.reportBytes.prefix(2000), as: UTF8.self)
            throw Failure(description: "report refused: \(problem); stderr: \(launched.stderr); report: \(text)")
        }
    }

    static func launch(
        _ code: String, detail: DetailLevel = .standard, trace: Bool = false, securityLevel: SecurityLevel = .strict,
        allowedModules: [String]? = nil, maxValueChars: Int = 1000, files: [String: String] = [:],
        seccomp: [UInt8]? = nil, stdin: String = "", signalAfter: Double? = nil
    ) throws -> Launch {
        let job = HarnessJob(
            code: code, detail: detail, trace: trace, securityLevel: securityLevel,
            allowedModules: allowedModules, maxValueChars: maxValueChars, files: files,
            seccompFD: seccomp == nil ? nil : 5
        )
        var spec: [String: Any] = [
            "harness": try HarnessResource.url().path,
            "job": String(decoding: try job.encoded(), as: UTF8.self),
            "stdin": stdin,
        ]
        if let signalAfter { spec["signal_after"] = signalAfter }
        if let seccomp { spec["seccomp"] = Data(seccomp).base64EncodedString() }
        let input = try JSONSerialization.data(withJSONObject: spec)
        let output = try runPython(["-c", launcher], input: input)
        let launched = try JSONDecoder().decode(LauncherOutput.self, from: output)
        guard let reportData = Data(base64Encoded: launched.report) else {
            throw Failure(description: "launcher returned a bad report encoding")
        }
        return Launch(
            exitStatus: launched.exit, stdout: launched.stdout, stderr: launched.stderr, reportBytes: [UInt8](reportData)
        )
    }

    static func reference(_ code: String) throws -> Reference {
        let output = try runPython(["-I", "-c", reference], input: Data(code.utf8))
        return try JSONDecoder().decode(Reference.self, from: output)
    }

    static func runPython(_ arguments: [String], input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        let stderrFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("warden-runtime-tests-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: stderrFile) }
        let stderrHandle = try FileHandle(forWritingTo: stderrFile)
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrHandle
        try process.run()
        try stderrHandle.close()
        stdinPipe.fileHandleForWriting.write(input)
        try stdinPipe.fileHandleForWriting.close()
        let output = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let errors = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
            throw Failure(description: "python \(arguments.first ?? "") failed (\(process.terminationStatus)): \(errors)")
        }
        return output
    }
}
