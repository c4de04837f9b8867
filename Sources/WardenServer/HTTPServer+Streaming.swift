import NIOCore
import NIOHTTP1
import WardenProtocol
import WardenSupervisor

extension HTTPServer {
    /// `POST /v1/executions` with `Accept: application/x-ndjson` (SPEC §4).
    static func wantsStream(_ head: HTTPRequestHead) -> Bool {
        guard head.method == .POST else { return false }
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard path == "/v1/executions" else { return false }
        return head.headers[canonicalForm: "Accept"].contains { $0.lowercased().hasPrefix("application/x-ndjson") }
    }

    /// Runs one execution and streams it as NDJSON: `started`, then output chunks and warnings
    /// as the worker produces them (each written and flushed at once, chunked encoding), and
    /// last the `result`. A request refused before it started (400, 403, 413, 429, 503) gets the
    /// ordinary JSON error answer instead. When a write fails the client is gone: the
    /// execution is cancelled (killed, recorded as cancelled) and the connection closed.
    ///
    /// - Returns: false when the connection must close (the client went away mid-stream).
    func streamExecution(
        body: [UInt8], caller: CallerIdentity, keepAlive: Bool, cancellation: CancellationFlag,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, channel: any Channel
    ) async throws -> Bool {
        let request: ExecutionRequest
        switch router.parseExecution(body: body) {
        case .failure(let refused):
            try await write(refused.response, keepAlive: keepAlive, channel: channel)
            return true
        case .success(let parsed):
            request = parsed
        }
        let (lines, continuation) = AsyncStream<[UInt8]>.makeStream()
        let events = ExecutionEvents(cancellation: cancellation) { event in
            if let line = try? event.encodedLine() { continuation.yield(line) }
        }
        let service = router.service
        return try await withThrowingTaskGroup(of: ExecutionOutcome.self) { group in
            group.addTask {
                let outcome = await service.run(request, caller: caller, events: events)
                continuation.finish()
                return outcome
            }
            var headSent = false
            var clientGone = false
            for await line in lines where !clientGone {
                do {
                    if !headSent {
                        try await outbound.write(.head(Self.streamHead(keepAlive: keepAlive)))
                        headSent = true
                    }
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: line))))
                } catch {
                    clientGone = true
                    cancellation.cancel()
                }
            }
            guard let outcome = try await group.next() else { return false }
            if clientGone { return false }
            switch outcome {
            case .refused, .unavailable:
                // Refusals (403, 429, 503) come before `started`, so nothing of the stream was sent.
                try await write(Router.response(for: outcome), keepAlive: keepAlive, channel: channel)
            case .ran(let result):
                if !headSent { try await outbound.write(.head(Self.streamHead(keepAlive: keepAlive))) }
                let line: [UInt8]
                do {
                    line = try StreamEvent.resultLine(result)
                } catch {
                    line = Array(#"{"event":"result","error":"could not encode the result"}"#.utf8) + [0x0A]
                }
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: line))))
                // As in `write`: the end goes through the channel, to wait until it is sent.
                try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
            }
            return true
        }
    }

    private static func streamHead(keepAlive: Bool) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-ndjson")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        headers.add(name: "Cache-Control", value: "no-cache")
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        return HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
    }
}
