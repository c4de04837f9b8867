import Foundation

/// The Python harness (`Resources/harness.py`) bundled with this module.
///
/// The supervisor installs it where workers can read it and starts every worker as
/// `/usr/bin/python3 -I -S -B <path>` with the descriptors of the harness contract
/// (0 stdin, 1 stdout, 2 stderr, 3 report pipe, 4 job; see `HarnessJob`).
public enum HarnessResource {
    /// The resource is missing from the bundle or unreadable.
    public struct Unavailable: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Where SwiftPM put `harness.py`.
    public static func url() throws -> URL {
        guard let url = Bundle.module.url(forResource: "harness", withExtension: "py") else {
            throw Unavailable(description: "harness.py is missing from the WardenRuntime bundle")
        }
        return url
    }

    /// The harness source text.
    public static func source() throws -> String {
        let url = try url()
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw Unavailable(description: "cannot read \(url.path): \(error)")
        }
    }

    /// Optional start-up optimisation: compile `source` at `sourcePath` into a `.pyc` at
    /// `bytecodePath` with the interpreter that will run the workers.
    ///
    /// With `-B` a script is compiled from source on every start (about 6 ms of the harness's
    /// 12 ms over a bare interpreter); `python3 -I -S -B harness.pyc` runs the compiled form
    /// directly (about 2.5 ms over a bare interpreter). The `.pyc` is tied to that interpreter's
    /// version: compile it when the daemon starts, never ship it. Returns false (and leaves
    /// nothing at `bytecodePath`) when compiling failed; the caller then runs the `.py`.
    public static func compileBytecode(sourcePath: String, bytecodePath: String, python: String = "/usr/bin/python3")
        -> Bool
    {
        let program = """
            import py_compile, sys
            py_compile.compile(sys.argv[1], cfile=sys.argv[2], dfile="harness.py", doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-I", "-S", "-B", "-c", program, sourcePath, bytecodePath]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return false
        }
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            try? FileManager.default.removeItem(atPath: bytecodePath)
            return false
        }
        return FileManager.default.fileExists(atPath: bytecodePath)
    }
}
