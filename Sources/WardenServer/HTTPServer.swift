import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization
import WardenHistory
import WardenProtocol
import WardenSupervisor

#if canImport(Glibc)
import Glibc
#endif

/// Where and how the server listens.
public struct HTTPServerConfiguration: Sendable {
    public enum Listener: Sendable {
        /// Create the socket at this path (a stale socket file is replaced; a live one is refused).
        case path(String)
        /// Adopt an already-listening socket (systemd socket activation).
        case inherited(descriptor: Int32, path: String?)
    }

    public var listener: Listener
    /// Mode of a socket the server creates itself.
    public var socketMode: mode_t
    /// The largest request body accepted (413 above).
    public var maxRequestBytes: Int

    public init(listener: Listener, socketMode: mode_t = 0o660, maxRequestBytes: Int) {
        self.listener = listener
        self.socketMode = socketMode
        self.maxRequestBytes = maxRequestBytes
    }
}

/// HTTP/1.1 over a Unix domain socket, one task per connection, keep-alive, peer credentials
/// from SO_PEERCRED. A `Service`: graceful shutdown stops accepting, lets the request in flight
/// on each connection finish, and closes idle connections.
public final class HTTPServer: Service, Sendable {
    private let configuration: HTTPServerConfiguration
    let router: Router
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let ready: @Sendable () -> Void

    /// - Parameters:
    ///   - history: the store behind the history routes, and who may see what; nil answers them 503.
    ///   - ready: called once the socket accepts connections.
    public init(
        configuration: HTTPServerConfiguration, service: any ExecutionService, group: MultiThreadedEventLoopGroup,
        logger: Logger, history: (store: any ExecutionStore, access: HistoryAccess)? = nil,
        ready: @escaping @Sendable () -> Void = {}
    ) {
        self.configuration = configuration
        self.router = Router(
            service: service, history: history.map { HistoryRoutes(store: $0.store, access: $0.access, logger: logger) }
        )
        self.group = group
        self.logger = logger
        self.ready = ready
    }

    /// How long accepted connections get to reach the serving loop after accepting stops.
    static let acceptDrainDelay = TimeAmount.milliseconds(100)

    /// How long an idle connection stays open after a graceful shutdown begins.
    static let idleCloseDelay = TimeAmount.milliseconds(250)

    /// How much of an oversized body is read and dropped before the connection is closed.
    static let maxDiscardBytes = 64 << 20

    struct Connection: Sendable {
        let channel: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
        let caller: CallerIdentity
    }

    public func run() async throws {
        let bootstrap = ServerBootstrap(group: group).serverChannelOption(.backlog, value: 256)
        let initializer: @Sendable (Channel) -> EventLoopFuture<Connection> = { channel in
            Self.peerCredentials(of: channel).flatMapThrowing { caller in
                // No pipelining assistance: it holds reads back while a response is due, so a
                // client that disconnects mid-execution would go unnoticed until the answer.
                // The loop in `serve` answers one request at a time anyway.
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                    withPipeliningAssistance: false, withErrorHandling: true
                )
                let wrapped = try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                    wrappingChannelSynchronously: channel
                )
                return Connection(channel: wrapped, caller: caller)
            }
        }
        let server: NIOAsyncChannel<Connection, Never>
        switch configuration.listener {
        case .path(let path):
            try SocketFile.prepare(path: path)
            server = try await bootstrap.bind(unixDomainSocketPath: path, childChannelInitializer: initializer)
            if chmod(path, configuration.socketMode) != 0 {
                logger.error("could not set the socket mode", metadata: ["socket.path": "\(path)", "errno": "\(errno)"])
            }
            logger.info("listening", metadata: ["socket.path": "\(path)"])
        case .inherited(let descriptor, let path):
            server = try await bootstrap.bind(descriptor, childChannelInitializer: initializer)
            logger.info("listening on an inherited socket", metadata: ["socket.fd": "\(descriptor)", "socket.path": "\(path ?? "?")"])
        }
        ready()

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { tasks in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        tasks.addTask { await self.serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            // Stop accepting at once (new connections wait in the kernel's backlog: under
            // socket activation the next daemon takes them), and close a moment later, once the
            // connections already accepted have reached the loop above. Closing at once drops a
            // connection whose set-up is still under way, and NIO traps on its unfinished writer.
            let channel = server.channel
            channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in
                channel.eventLoop.scheduleTask(in: Self.acceptDrainDelay) { channel.close(promise: nil) }
            }
        }
        if case .path(let path) = configuration.listener { unlink(path) }
    }

    /// Serves requests on one connection until the client closes it or the daemon stops.
    private func serve(_ connection: Connection) async {
        let state = ConnectionState()
        // The connection's close (the client went away: EOF or reset) cancels what it runs.
        let cancellation = CancellationFlag()
        connection.channel.channel.closeFuture.whenComplete { _ in cancellation.cancel() }
        await withGracefulShutdownHandler {
            do {
                try await connection.channel.executeThenClose { inbound, outbound in
                    var reader = RequestReader(maxBodyBytes: configuration.maxRequestBytes)
                    var discarding = false
                    var discarded = 0
                    for try await part in inbound {
                        if discarding {
                            // After a 413, read the rest of the body so the client sees the
                            // answer instead of a broken pipe; give up past a bound.
                            if case .body(let buffer) = part { discarded += buffer.readableBytes }
                            if case .end = part { return }
                            if discarded > Self.maxDiscardBytes { return }
                            continue
                        }
                        state.setBusy(true)
                        switch reader.consume(part) {
                        case .needMore:
                            continue
                        case .sendContinue:
                            try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .continue)))
                        case .complete(let head, let body) where Self.wantsStream(head):
                            let keepAlive = head.isKeepAlive && !state.isShuttingDown
                            let completed = try await streamExecution(
                                body: body, caller: connection.caller, keepAlive: keepAlive, cancellation: cancellation,
                                outbound: outbound, channel: connection.channel.channel
                            )
                            state.setBusy(false)
                            if !keepAlive || !completed { return }
                        case .complete(let head, let body):
                            let response = await router.respond(
                                method: head.method, uri: head.uri, body: body, caller: connection.caller,
                                cancellation: cancellation
                            )
                            let keepAlive = head.isKeepAlive && !state.isShuttingDown
                            try await write(response, keepAlive: keepAlive, channel: connection.channel.channel)
                            state.setBusy(false)
                            if !keepAlive { return }
                        case .tooLarge(let head):
                            let response = HTTPResponse.error(
                                .payloadTooLarge, type: .userError,
                                message: "the request body exceeds \(configuration.maxRequestBytes) bytes",
                                retryable: false, suggestedAction: "Send less code or smaller files."
                            )
                            try await write(response, keepAlive: false, channel: connection.channel.channel)
                            // A declared length over the bound with 100-continue: the body never comes.
                            if head.headers.first(name: "Expect")?.lowercased() == "100-continue" { return }
                            discarding = true
                        }
                    }
                }
            } catch {
                logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
            }
        } onGracefulShutdown: {
            // Busy: it closes after its answer (`Connection: close`). Idle: a request may still
            // be on its way (a connection accepted just before the stop whose bytes are not read
            // yet), so it is closed only if it is still idle a moment later.
            guard state.beginShutdown() else { return }
            let channel = connection.channel.channel
            channel.eventLoop.scheduleTask(in: Self.idleCloseDelay) {
                if state.isIdle { channel.close(promise: nil) }
            }
        }
    }

    /// Sends `response` on `channel` and waits until it has reached the socket.
    func write(_ response: HTTPResponse, keepAlive: Bool, channel: any Channel) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: "\(response.body.count)")
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        let head = HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)
        let body = ByteBuffer(bytes: response.body)
        // The whole response goes through the channel itself, in one trip to the event loop,
        // and the task waits until it has reached the socket: the async writer's `write`
        // returns once a part is queued, and `executeThenClose` closes the channel right after,
        // dropping what is still pending (a large result cut short; swift-nio issue #2795).
        // Parts written earlier through the async writer (`100 Continue`) queue on the event
        // loop before this.
        try await channel.eventLoop.flatSubmit {
            channel.write(HTTPServerResponsePart.head(head), promise: nil)
            channel.write(HTTPServerResponsePart.body(.byteBuffer(body)), promise: nil)
            return channel.writeAndFlush(HTTPServerResponsePart.end(nil))
        }.get()
    }

    /// Reads the caller's uid, gid and pid from the kernel (SO_PEERCRED).
    private static func peerCredentials(of channel: Channel) -> EventLoopFuture<CallerIdentity> {
        guard let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        }
        let future: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
        )
        return future.map { credentials in
            CallerIdentity(
                uid: credentials.uid, gid: credentials.gid, pid: credentials.pid,
                userName: UserNames.name(of: credentials.uid)
            )
        }
    }
}

/// The kernel's `struct ucred` (pid, uid, gid), laid out identically; Glibc hides `ucred`
/// behind _GNU_SOURCE.
struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// Per-connection flags shared with the graceful-shutdown handler.
final class ConnectionState: Sendable {
    private let flags = Mutex((busy: false, shuttingDown: false))

    func setBusy(_ busy: Bool) { flags.withLock { $0.busy = busy } }

    var isShuttingDown: Bool { flags.withLock { $0.shuttingDown } }

    var isIdle: Bool { flags.withLock { !$0.busy } }

    /// Marks the connection as closing; true when it is idle and can be closed right away.
    func beginShutdown() -> Bool {
        flags.withLock {
            $0.shuttingDown = true
            return !$0.busy
        }
    }
}

/// User names by uid, from the host's user database.
enum UserNames {
    static func name(of uid: uid_t) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 1024)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return String(cString: entry.pw_name)
    }
}
