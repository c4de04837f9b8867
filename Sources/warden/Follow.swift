import ArgumentParser
import Foundation
import WardenClient
import WardenProtocol

/// `warden run --follow`: the streamed execution (SPEC §4) shown as it happens — output on
/// stdout and stderr as the script writes it, warnings on stderr — then the result.
enum Follow {
    static func run(client: UnixHTTPClient, payload: [UInt8], json: Bool) throws {
        var result: ExecutionResult?
        let decoder = JSONDecoder()
        let response = try client.streamLines(
            path: "/v1/executions", body: payload, headers: ["Accept": "application/x-ndjson"]
        ) { line in
            if json {
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
            let data = Data(line.utf8)
            guard let event = try? decoder.decode(StreamEvent.self, from: data) else { return }
            switch event.event {
            case .result:
                result = try? decoder.decode(ExecutionResult.self, from: data)
            case .stdout where !json:
                FileHandle.standardOutput.write(Data((event.data ?? "").utf8))
            case .stderr where !json:
                FileHandle.standardError.write(Data((event.data ?? "").utf8))
            case .warning where !json:
                let place = event.line.map { "line \($0): " } ?? ""
                let kind = event.level == "check" ? "check" : "warning"
                FileHandle.standardError.write(
                    Data("\(kind): \(place)\(event.message ?? "") (\(event.category ?? "Warning"))\n".utf8)
                )
            default:
                break
            }
        }
        if response.status != 200 {
            print(response.text)
            throw ExitCode(2)
        }
        guard let result else {
            FileHandle.standardError.write(Data("warden: the stream ended without a result\n".utf8))
            throw ExitCode(2)
        }
        if !json { print(ResultPrinter.render(result, includeOutput: false), terminator: "") }
        if !result.success { throw ExitCode(1) }
    }
}
