import NIOCore
import NIOHTTP1
import Testing

@testable import WardenServer

@Suite struct RequestReaderTests {
    private func head(_ headers: [(String, String)] = []) -> HTTPServerRequestPart {
        .head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/executions", headers: HTTPHeaders(headers)))
    }

    @Test func assemblesTheBody() {
        var reader = RequestReader(maxBodyBytes: 10)
        guard case .needMore = reader.consume(head()) else { Issue.record("head"); return }
        guard case .needMore = reader.consume(.body(ByteBuffer(string: "abc"))) else { Issue.record("body"); return }
        guard case .needMore = reader.consume(.body(ByteBuffer(string: "def"))) else { Issue.record("body"); return }
        guard case .complete(let head, let body) = reader.consume(.end(nil)) else { Issue.record("end"); return }
        #expect(head.uri == "/v1/executions")
        #expect(body == Array("abcdef".utf8))
    }

    @Test func refusesABodyPastTheBound() {
        var reader = RequestReader(maxBodyBytes: 4)
        _ = reader.consume(head())
        guard case .tooLarge = reader.consume(.body(ByteBuffer(string: "abcde"))) else {
            Issue.record("expected tooLarge")
            return
        }
    }

    @Test func refusesADeclaredLengthPastTheBound() {
        var reader = RequestReader(maxBodyBytes: 4)
        guard case .tooLarge = reader.consume(head([("Content-Length", "5")])) else {
            Issue.record("expected tooLarge")
            return
        }
    }

    @Test func answersExpectContinue() {
        var reader = RequestReader(maxBodyBytes: 4)
        guard case .sendContinue = reader.consume(head([("Expect", "100-continue"), ("Content-Length", "2")])) else {
            Issue.record("expected sendContinue")
            return
        }
    }
}
