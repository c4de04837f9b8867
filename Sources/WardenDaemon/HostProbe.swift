import Foundation
import WardenProtocol

/// What this host offers the sandbox, probed once at start and reported by `/v1/health`.
public struct HostProbe: Sendable {
    public var pythonVersion: String
    public var layers: [HealthReport.Layer]

    /// Runs the configured interpreter once (it must work before the daemon says it is ready)
    /// and lists each confinement layer with whether this version applies it.
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
        return HostProbe(pythonVersion: version, layers: layers())
    }

    private static func layers() -> [HealthReport.Layer] {
        [
            .init(name: "process", active: true, detail: "a new worker process per execution, never reused"),
            .init(name: "process_group", active: true, detail: "the worker leads its own group; the group is killed at the end"),
            .init(name: "rlimits", active: true, detail: "address space, CPU, processes, file size, open files, core dumps"),
            .init(name: "no_new_privs", active: true, detail: "set before exec"),
            .init(name: "work_directory", active: true, detail: "a fresh private directory per execution, removed afterwards"),
            .init(name: "seccomp", active: false, detail: "not applied by this version of wardend"),
            .init(name: "namespaces", active: false, detail: "not applied by this version of wardend"),
            .init(name: "uid_separation", active: false, detail: "not applied by this version of wardend"),
            .init(name: "cgroups", active: false, detail: "not applied by this version of wardend"),
            .init(name: "landlock", active: false, detail: "not applied by this version of wardend"),
        ]
    }
}

public struct ProbeError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
