import WardenProtocol

/// Everything one execution was granted, from its tokens and its caller's standing grants,
/// combined: the union of the capabilities, in the shapes the layers need.
public struct CapabilityGrants: Sendable, Equatable {
    /// Each capability once, in a stable order (reported as `available_capabilities`).
    public private(set) var capabilities: [Capability]
    /// Top-level modules granted by `import:` (`*`: any).
    public private(set) var importModules: Set<String> = []
    public private(set) var readPaths: [CapabilityPath] = []
    public private(set) var writePaths: [CapabilityPath] = []
    public private(set) var network: [NetworkPattern] = []
    public private(set) var subprocess = false
    /// The largest `threads:N`.
    public private(set) var threads: Int?
    /// The largest `limits.memory_mb:N`.
    public private(set) var memoryMB: Int?
    /// The largest `limits.timeout_seconds:N`.
    public private(set) var timeoutSeconds: Int?

    /// Processes a `subprocess` grant allows at least (the interpreter, a child, its child).
    public static let subprocessProcesses = 8

    /// Modules a kernel-layer grant makes importable, so that the grant is usable at `strict`.
    public static let impliedModules: [String: [String]] = [
        "network": ["socket", "ssl", "select", "selectors", "http", "urllib", "ipaddress"],
        "subprocess": ["subprocess", "shlex"],
        "file": ["os", "pathlib", "io", "glob", "fnmatch", "shutil"],
    ]

    public static let none = CapabilityGrants([])

    public init(_ capabilities: [Capability]) {
        var seen: Set<Capability> = []
        self.capabilities = capabilities.filter { seen.insert($0).inserted }.sorted { $0.description < $1.description }
        for capability in self.capabilities {
            switch capability {
            case .importModule(let name): importModules.insert(name)
            case .fileRead(let path): readPaths.append(path)
            case .fileWrite(let path): writePaths.append(path)
            case .network(let pattern): network.append(pattern)
            case .subprocess: subprocess = true
            case .threads(let count): threads = max(threads ?? 0, count)
            case .memoryMB(let megabytes): memoryMB = max(memoryMB ?? 0, megabytes)
            case .timeoutSeconds(let seconds): timeoutSeconds = max(timeoutSeconds ?? 0, seconds)
            }
        }
    }

    /// The union of two sets of grants.
    public func merging(_ other: CapabilityGrants) -> CapabilityGrants {
        CapabilityGrants(capabilities + other.capabilities)
    }

    /// True when the grants change the kernel layers (mounts, network, execve), so the worker
    /// must be spawned for this execution instead of taken from the default-profile pool.
    public var changesKernelLayers: Bool {
        !readPaths.isEmpty || !writePaths.isEmpty || !network.isEmpty || subprocess
    }

    /// The modules the user's code may import at `level` with these grants; nil: any.
    public func allowedModules(at level: SecurityLevel) -> [String]? {
        if importModules.contains("*") { return nil }
        var extra = Array(importModules)
        if !network.isEmpty { extra += Self.impliedModules["network"]! }
        if subprocess { extra += Self.impliedModules["subprocess"]! }
        if !readPaths.isEmpty || !writePaths.isEmpty { extra += Self.impliedModules["file"]! }
        return ImportPolicy.allowedModules(for: level, grants: extra)
    }
}

/// What a request may ask for without a `limits.*` grant (`security.max_memory_mb`,
/// `security.max_timeout_seconds`); nil: up to the server maximum.
public struct UngrantedLimits: Sendable, Equatable {
    public var memoryMB: Int?
    public var timeoutSeconds: Double?
    public init(memoryMB: Int? = nil, timeoutSeconds: Double? = nil) {
        self.memoryMB = memoryMB
        self.timeoutSeconds = timeoutSeconds
    }
}

extension LimitPolicy {
    /// The limits an execution runs under with `grants`: as `effectiveLimits(for:)`, but
    /// memory and timeout are capped at `ungranted` unless a `limits.*` grant raises the cap
    /// (never above the maxima), and `threads:N` / `subprocess` raise the default process
    /// count (a request that names `max_processes` gets what it names, clamped).
    public func effectiveLimits(
        for requested: RequestedLimits, grants: CapabilityGrants, ungranted: UngrantedLimits
    ) -> ExecutionLimits {
        var limits = effectiveLimits(for: requested)
        let memoryCap = max(ungranted.memoryMB ?? maxima.memoryMB, grants.memoryMB ?? 0)
        limits.memoryMB = min(limits.memoryMB, memoryCap, maxima.memoryMB)
        let timeoutCap = max(ungranted.timeoutSeconds ?? maxima.timeoutSeconds, Double(grants.timeoutSeconds ?? 0))
        limits.timeoutSeconds = min(limits.timeoutSeconds, timeoutCap, maxima.timeoutSeconds)
        if requested.maxProcesses == nil {
            let floor = max(grants.threads ?? 0, grants.subprocess ? CapabilityGrants.subprocessProcesses : 0)
            limits.maxProcesses = min(max(limits.maxProcesses, floor), maxima.maxProcesses)
        }
        return limits
    }
}
