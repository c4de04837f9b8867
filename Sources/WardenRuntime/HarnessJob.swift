import Foundation
import WardenProtocol

/// What the harness reads from fd 4 (a memfd or file; read from offset 0, so the writer need
/// not rewind it): the code and how to run and report it.
///
/// ```json
/// {"code": "print(1)", "detail": "standard", "trace": false, "security_level": "strict",
///  "allowed_modules": ["json", "math"], "max_value_chars": 1000,
///  "files": {"data.csv": "a,b\n"}, "seccomp_fd": 5}
/// ```
/// `allowed_modules` is always present; `null` means any import is allowed. `files` are
/// written into the working directory before the code runs (names already validated as
/// relative, without `.` or `..`). `seccomp_fd`, when present, is a descriptor holding the
/// stage-2 seccomp program (raw `struct sock_filter` bytes) that the harness loads before
/// running user code.
public struct HarnessJob: Encodable, Sendable, Equatable {
    public var code: String
    public var detail: DetailLevel
    public var trace: Bool
    public var securityLevel: SecurityLevel
    /// Top-level module names the user's own imports may name; nil allows any import.
    public var allowedModules: [String]?
    /// Longest value (variable, local, return value) reported verbatim; the harness clamps it
    /// to 16...100_000.
    public var maxValueChars: Int
    /// Files to create in the working directory before the run.
    public var files: [String: String]
    /// Descriptor of the stage-2 seccomp program, if one is handed over.
    public var seccompFD: Int32?
    /// Standard input for the code; the harness makes it descriptor 0. Nil: fd 0 as given.
    public var stdin: String?
    /// The request's rlimits, which the harness sets on itself (soft = hard) before anything of
    /// the request runs: keys `address_space`, `cpu_seconds`, `processes`, `file_size`,
    /// `open_files`. The worker was spawned with the server's maxima as hard limits.
    public var rlimits: [String: Int]?
    /// `network:` grants (`HOST[:PORT]`) the harness's audit hook checks each connect and
    /// sendto against; nil when the network is not granted (the kernel refuses sockets then).
    public var network: [String]?
    /// Streaming: the harness writes warnings and pre-run checks as live records on the
    /// report pipe as they happen (`0x1E`, a JSON object, `\n`), ahead of the final report.
    public var stream: Bool = false

    public init(
        code: String, detail: DetailLevel = .standard, trace: Bool = false, securityLevel: SecurityLevel = .strict,
        allowedModules: [String]?, maxValueChars: Int = 1000, files: [String: String] = [:], seccompFD: Int32? = nil,
        stdin: String? = nil, stream: Bool = false, rlimits: [String: Int]? = nil, network: [String]? = nil
    ) {
        self.network = network
        self.stream = stream
        self.stdin = stdin
        self.rlimits = rlimits
        self.files = files
        self.seccompFD = seccompFD
        self.code = code
        self.detail = detail
        self.trace = trace
        self.securityLevel = securityLevel
        self.allowedModules = allowedModules
        self.maxValueChars = maxValueChars
    }

    enum CodingKeys: String, CodingKey {
        case code, detail, trace
        case securityLevel = "security_level"
        case allowedModules = "allowed_modules"
        case maxValueChars = "max_value_chars"
        case files
        case seccompFD = "seccomp_fd"
        case stdin, rlimits, network, stream
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(detail, forKey: .detail)
        try container.encode(trace, forKey: .trace)
        try container.encode(securityLevel, forKey: .securityLevel)
        if let allowedModules {
            try container.encode(allowedModules, forKey: .allowedModules)
        } else {
            try container.encodeNil(forKey: .allowedModules)
        }
        try container.encode(maxValueChars, forKey: .maxValueChars)
        try container.encode(files, forKey: .files)
        try container.encodeIfPresent(seccompFD, forKey: .seccompFD)
        try container.encodeIfPresent(stdin, forKey: .stdin)
        try container.encodeIfPresent(rlimits, forKey: .rlimits)
        try container.encodeIfPresent(network, forKey: .network)
        if stream { try container.encode(true, forKey: .stream) }
    }

    /// The UTF-8 JSON document to write to the job descriptor.
    public func encoded() throws -> [UInt8] {
        Array(try Self.encoder.encode(self))
    }

    /// Shared: making an encoder costs about as much as encoding a job with it.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
