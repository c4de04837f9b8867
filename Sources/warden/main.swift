import ArgumentParser
import Foundation
import WardenClient
import WardenProtocol

/// `warden`: the command-line client of wardend.
struct Warden: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "Talk to the Warden daemon.",
        subcommands: [Run.self, Health.self, Doctor.self, History.self, Show.self, Errors.self, Token.self]
    )
}

struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "The daemon's socket (default: WARDEN_SOCKET, else the daemon's default).")
    var socket: String?

    var client: UnixHTTPClient { UnixHTTPClient(socketPath: socket ?? DefaultSocket.path()) }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a Python file (or - for standard input) in the sandbox.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The script to run, or - to read it from standard input.")
    var file: String

    @Flag(name: .long, help: "Print the raw JSON result.")
    var json = false

    @Option(name: .long, help: "Wall-clock timeout in seconds.")
    var timeout: Double?

    @Option(name: .customLong("memory-mb"), help: "Memory limit in MiB.")
    var memoryMB: Int?

    @Option(name: .customLong("security-level"), help: "strict, standard or permissive.")
    var securityLevel: String?

    @Option(name: .long, help: "summary, standard or full.")
    var detail: String?

    @Flag(name: .long, help: "Record the execution path (slower).")
    var trace = false

    @Option(name: .long, help: "A label for the history (the client name).")
    var client: String?

    @Option(name: .customLong("retry-of"), help: "The id of the failed execution this run retries (links the fix in the history).")
    var retryOf: String?

    @Option(name: .long, help: "A capability token (warden token issue) to send with the script (repeat for several).")
    var token: [String] = []
    @Flag(name: .long, help: "Show output and warnings live as the script runs, then the result (--json: the raw NDJSON events).")
    var follow = false

    func run() throws {
        let code: String
        if file == "-" {
            code = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("could not read \(file)")
            }
            code = String(decoding: data, as: UTF8.self)
        }
        var body: [String: Any] = ["code": code]
        var limits: [String: Any] = [:]
        if let timeout { limits["timeout_seconds"] = timeout }
        if let memoryMB { limits["memory_mb"] = memoryMB }
        if !limits.isEmpty { body["limits"] = limits }
        if let securityLevel { body["security_level"] = securityLevel }
        if let detail { body["detail"] = detail }
        if trace { body["trace"] = true }
        body["client"] = client ?? "warden-cli"
        if let retryOf { body["retry_of"] = retryOf }
        if !token.isEmpty { body["capabilities"] = token }
        let payload = try JSONSerialization.data(withJSONObject: body)
        if follow { return try Follow.run(client: connection.client, payload: Array(payload), json: json) }
        let response = try connection.client.post("/v1/executions", body: Array(payload))
        if json || response.status != 200 {
            print(response.text)
            if response.status != 200 { throw ExitCode(2) }
            return
        }
        let result = try JSONDecoder().decode(ExecutionResult.self, from: Data(response.body))
        print(ResultPrinter.render(result), terminator: "")
        if !result.success { throw ExitCode(1) }
    }
}

struct Health: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the daemon's health and confinement layers.")

    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Print the raw JSON.")
    var json = false

    func run() throws {
        let response = try connection.client.get("/v1/health")
        guard response.status == 200, !json else {
            print(response.text)
            if response.status != 200 { throw ExitCode(2) }
            return
        }
        let health = try JSONDecoder().decode(HealthReport.self, from: Data(response.body))
        print("wardend \(health.version): \(health.status), python \(health.python), up \(Int(health.uptimeSeconds)) s")
        for layer in health.layers {
            print("  [\(layer.active ? "on " : "off")] \(layer.name): \(layer.detail)")
        }
    }
}

extension HTTPClientError: LocalizedError {
    public var errorDescription: String? { message }
}

Warden.main()
