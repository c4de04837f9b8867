import Foundation
import WardenProtocol

/// The worker interpreter, probed once at start and reported by `/v1/health`.
public struct HostProbe: Sendable {
    public var pythonVersion: String

    /// Runs the configured interpreter once: it must work before the daemon says it is ready.
    public static func probe(pythonPath: String) throws -> HostProbe {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pythonPath)
        process.arguments = ["-I", "-S", "-c", "import sys; print(sys.version.split()[0])"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ProbeError(message: "could not start the interpreter \(pythonPath): \(error.localizedDescription)")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ProbeError(message: "the interpreter \(pythonPath) exited with status \(process.terminationStatus)")
        }
        let version = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return HostProbe(pythonVersion: version)
    }

}

public struct ProbeError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
