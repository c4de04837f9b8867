import NIOCore
import NIOHTTP1

/// Assembles one HTTP request from its parts, with a bound on the body.
struct RequestReader {
    enum Step {
        case needMore
        /// The client sent `Expect: 100-continue` for a body that fits.
        case sendContinue
        case complete(HTTPRequestHead, [UInt8])
        /// The body passed the bound (or its declared length does): answer 413 and close.
        case tooLarge(HTTPRequestHead)
    }

    let maxBodyBytes: Int
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    mutating func consume(_ part: HTTPServerRequestPart) -> Step {
        switch part {
        case .head(let head):
            self.head = head
            body.removeAll(keepingCapacity: true)
            if let length = head.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBodyBytes {
                return .tooLarge(head)
            }
            if head.headers.first(name: "Expect")?.lowercased() == "100-continue" { return .sendContinue }
            return .needMore
        case .body(let buffer):
            guard let head else { return .needMore }
            if body.count + buffer.readableBytes > maxBodyBytes { return .tooLarge(head) }
            body.append(contentsOf: buffer.readableBytesView)
            return .needMore
        case .end:
            guard let head else { return .needMore }
            self.head = nil
            let complete = body
            body.removeAll(keepingCapacity: true)
            return .complete(head, complete)
        }
    }
}
