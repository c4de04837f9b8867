import WardenJail

#if canImport(Glibc)
import Glibc
#endif

/// Runs `/bin/sh -c script` through the real `Spawner` with stdout and stderr on one pipe;
/// `configure` adds the layers under test. Returns how it ended and what it printed.
func runShell(
    _ script: String, workingDirectory: String = "/", stdin: Int32 = -1, extra: [Int32] = [],
    configure: (inout SpawnSpec) -> Void = { _ in }
) throws -> (ChildExit, String) {
    let output = try Descriptors.pipe()
    defer { Descriptors.close(output.read) }
    var spec = SpawnSpec(
        executable: "/bin/sh", arguments: ["sh", "-c", script], environment: ["PATH=/usr/bin:/bin"],
        workingDirectory: workingDirectory, descriptors: [stdin, output.write, output.write] + extra, limits: []
    )
    configure(&spec)
    let child: ChildProcess
    do {
        child = try Spawner.spawn(spec)
    } catch {
        Descriptors.close(output.write)
        throw error
    }
    defer { child.close() }
    Descriptors.close(output.write)
    var text: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(output.read, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        text.append(contentsOf: buffer[0..<count])
    }
    return (try child.reap(), String(decoding: text, as: UTF8.self))
}
