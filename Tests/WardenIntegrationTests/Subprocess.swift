import Foundation

/// Runs a program to completion with `stdin` written to it; returns its exit status and its
/// standard output (and standard error, when `mergeStandardError`).
func runProgram(
    _ executable: String, _ arguments: [String], stdin: String = "", mergeStandardError: Bool = true
) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    if mergeStandardError { process.standardError = output }
    try process.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
