#if canImport(Glibc)
import Glibc
#endif

extension UnixHTTPClient {
    /// Sends a request and hands each line of a chunked response body to `onLine` as soon as
    /// it arrives (NDJSON streaming); the returned response has the whole body too. A response
    /// with a `Content-Length` (an error answer) is read whole and given no lines.
    public func streamLines(
        method: String = "POST", path: String, body: [UInt8], headers: [String: String] = [:],
        onLine: (String) -> Void
    ) throws(HTTPClientError) -> HTTPClientResponse {
        let fd = try openConnection()
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: warden\r\nConnection: close\r\n"
        head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try sendAll(fd, Array(head.utf8) + body)

        var buffer: [UInt8] = []
        var parsedHead: HTTPClientResponse?
        var chunked = false
        var decoded: [UInt8] = []
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var finished = false
        while !finished {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw HTTPClientError(message: "could not read the response: \(String(cString: strerror(errno)))")
            }
            if count == 0 { finished = true } else { buffer.append(contentsOf: chunk[0..<count]) }
            if parsedHead == nil {
                guard let end = buffer.firstRange(of: [13, 10, 13, 10]) else {
                    if finished { throw HTTPClientError(message: "incomplete response from wardend (\(buffer.count) bytes)") }
                    continue
                }
                let response = try parseHead(Array(buffer[..<end.upperBound]))
                buffer.removeFirst(end.upperBound)
                if response.status == 100 { continue }
                parsedHead = response
                chunked = response.headers["transfer-encoding"]?.lowercased() == "chunked"
            }
            guard chunked else { continue }
            // Decode every complete chunk in the buffer.
            while let sizeEnd = buffer.firstRange(of: [13, 10]) {
                let sizeText = String(decoding: buffer[..<sizeEnd.lowerBound], as: UTF8.self)
                guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else {
                    throw HTTPClientError(message: "malformed chunk size from wardend: '\(sizeText)'")
                }
                if size == 0 {
                    finished = true
                    break
                }
                guard buffer.count >= sizeEnd.upperBound + size + 2 else { break }
                let data = buffer[sizeEnd.upperBound..<sizeEnd.upperBound + size]
                decoded.append(contentsOf: data)
                for byte in data {
                    if byte == 0x0A {
                        onLine(String(decoding: line, as: UTF8.self))
                        line.removeAll(keepingCapacity: true)
                    } else {
                        line.append(byte)
                    }
                }
                buffer.removeFirst(sizeEnd.upperBound + size + 2)
            }
        }
        guard var response = parsedHead else { throw HTTPClientError(message: "no response from wardend") }
        if !line.isEmpty { onLine(String(decoding: line, as: UTF8.self)) }
        response.body = chunked ? decoded : buffer
        return response
    }
}
