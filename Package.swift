// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Warden",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wardend", targets: ["wardend"]),
        .executable(name: "warden", targets: ["warden"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // The configuration file (toml++ underneath: ~16 s of a clean debug build on 2 cores).
        .package(url: "https://github.com/LebJe/TOMLKit.git", exact: "0.6.0"),
        // The execution history: SQLite (system libsqlite3, FTS5) in WAL mode.
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // Capability tokens: HMAC-SHA256 signatures, verified in constant time.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        // Metrics (admission, executions, workers) and their Prometheus text at GET /metrics.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Wire types: request, result (seed 001 shape), harness facts, error bodies. Pure.
        .target(name: "WardenProtocol"),
        // Pure: configuration + request → effective limits and a confinement plan.
        .target(
            name: "WardenPolicy",
            dependencies: ["WardenProtocol", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The only code that runs between fork and exec. Raw syscalls on prepared memory.
        .target(name: "CWardenJail"),
        // libseccomp (parent side only: compiles filters to BPF bytes before fork).
        .systemLibrary(
            name: "CSeccomp", path: "Sources/CSeccomp", pkgConfig: "libseccomp",
            providers: [.apt(["libseccomp-dev"])]
        ),
        // libcap (parent side only: reads the daemon's own capabilities for doctor/health).
        .systemLibrary(name: "CCap", path: "Sources/CCap", pkgConfig: "libcap", providers: [.apt(["libcap-dev"])]),
        // Swift face of the shim: spawn, wait, kill, measure, seccomp, cgroups.
        .target(
            name: "WardenJail",
            dependencies: ["CWardenJail", "CSeccomp", "CCap", "WardenPolicy", "WardenProtocol"]
        ),
        // Test-only: tries one named syscall harmlessly and exits with the errno it got.
        .executableTarget(name: "warden-probe"),
        // The Python harness as a bundled resource, and decoding of its bounded report.
        .target(
            name: "WardenRuntime",
            dependencies: ["WardenProtocol"],
            resources: [.copy("Resources/harness.py")]
        ),
        // Pure: facts → the seed-001 result.
        .target(name: "WardenDiagnostics", dependencies: ["WardenProtocol"]),
        // One execution end to end: plan, spawn, observe, reconcile, diagnose.
        .target(
            name: "WardenSupervisor",
            dependencies: [
                "WardenJail", "WardenRuntime", "WardenPolicy", "WardenProtocol", "WardenDiagnostics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The execution history behind a narrow store protocol; SQLite through GRDB.
        .target(
            name: "WardenHistory",
            dependencies: [
                "WardenProtocol",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // HTTP/1.1 over a Unix domain socket.
        .target(
            name: "WardenServer",
            dependencies: [
                "WardenSupervisor", "WardenHistory", "WardenProtocol", "WardenPolicy",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Wires configuration into a running service group; shared by wardend and the tests.
        .target(
            name: "WardenDaemon",
            dependencies: [
                "WardenServer", "WardenSupervisor", "WardenHistory", "WardenPolicy", "WardenProtocol", "WardenJail",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // A small blocking HTTP/1.1 client over a Unix socket, for the CLI and the tests.
        .target(name: "WardenClient", dependencies: ["WardenProtocol"]),
        .executableTarget(
            name: "wardend",
            dependencies: [
                "WardenDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Scripts/bench-history: fills a history through the store and times its queries.
        .executableTarget(name: "warden-history-bench", dependencies: ["WardenHistory", "WardenProtocol"]),
        .executableTarget(
            name: "warden",
            dependencies: [
                "WardenClient", "WardenProtocol", "WardenPolicy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "WardenProtocolTests", dependencies: ["WardenProtocol"]),
        .testTarget(name: "WardenPolicyTests", dependencies: ["WardenPolicy"]),
        .testTarget(name: "WardenJailTests", dependencies: ["WardenJail"]),
        .testTarget(name: "WardenServerTests", dependencies: ["WardenServer", "WardenProtocol"]),
        .testTarget(name: "WardenRuntimeTests", dependencies: ["WardenRuntime", "WardenProtocol"]),
        .testTarget(name: "WardenDiagnosticsTests", dependencies: ["WardenDiagnostics", "WardenProtocol"]),
        .testTarget(name: "WardenHistoryTests", dependencies: ["WardenHistory", "WardenProtocol"]),
        .testTarget(name: "WardenSupervisorTests", dependencies: ["WardenSupervisor"]),
        .testTarget(name: "WardenDaemonTests", dependencies: ["WardenDaemon", "WardenPolicy", "WardenProtocol"]),
        .testTarget(
            name: "WardenIntegrationTests",
            // The executables are dependencies so that building the tests builds them too.
            dependencies: ["WardenClient", "WardenProtocol", "WardenPolicy", "wardend", "warden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
