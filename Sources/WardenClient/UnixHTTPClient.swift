import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A response as the client received it.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Why a request could not be completed.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

/// A minimal blocking HTTP/1.1 client over a Unix domain socket: one request per connection
/// (`Connection: close`), Content-Length or chunked responses. For the CLI and the tests.
public struct UnixHTTPClient: Sendable {
    public var socketPath: String
    /// Receive timeout per read, in seconds.
    public var timeoutSeconds: Int

    public init(socketPath: String, timeoutSeconds: Int = 600) {
        self.socketPath = socketPath
        self.timeoutSeconds = timeoutSeconds
    }

    public func get(_ path: String) throws(HTTPClientError) -> HTTPClientResponse {
        try send(method: "GET", path: path, body: [])
    }

    public func post(_ path: String, body: [UInt8], headers: [String: String] = [:]) throws(HTTPClientError) -> HTTPClientResponse {
        try send(method: "POST", path: path, body: body, headers: headers)
    }

    public func send(method: String, path: String, body: [UInt8], headers: [String: String] = [:]) throws(HTTPClientError)
        -> HTTPClientResponse
    {
        let fd = try openConnection()
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: warden\r\nConnection: close\r\n"
        if !body.isEmpty || method == "POST" {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try sendAll(fd, Array(head.utf8) + body)
        return try parse(readAll(fd))
    }

    func openConnection() throws(HTTPClientError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HTTPClientError(message: "could not create a socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw HTTPClientError(message: "socket path too long (max 107 bytes): \(socketPath)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let rc = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc != 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HTTPClientError(message: "could not connect to wardend at \(socketPath): \(reason)")
        }
        return fd
    }

    func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                // The server may answer early (e.g. 413) and stop reading: read what it said.
                if errno == EPIPE || errno == ECONNRESET { return }
                throw HTTPClientError(message: "could not send the request: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    private func readAll(_ fd: Int32) throws(HTTPClientError) -> [UInt8] {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                data.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return data
            } else if errno == EINTR {
                continue
            } else if errno == ECONNRESET, !data.isEmpty {
                return data
            } else {
                throw HTTPClientError(message: "could not read the response: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The status line and headers (`head` ends with the blank line), with an empty body.
    func parseHead(_ head: [UInt8]) throws(HTTPClientError) -> HTTPClientResponse {
        var response = try parse(head)
        response.body = []
        return response
    }

    private func parse(_ data: [UInt8]) throws(HTTPClientError) -> HTTPClientResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = data.firstRange(of: separator) else {
            throw HTTPClientError(message: "incomplete response from wardend (\(data.count) bytes)")
        }
        let headText = String(decoding: data[..<end.lowerBound], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw HTTPClientError(message: "malformed status line from wardend")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[end.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = Self.dechunk(body) }
        // Skip interim 100-continue responses.
        if status == 100 { return try parse(body) }
        return HTTPClientResponse(status: status, headers: headers, body: body)
    }

    /// Decodes a chunked body (trailers ignored).
    public static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].firstRange(of: [13, 10]) else { break }
            let sizeText = String(decoding: bytes[index..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            let stop = min(bytes.count, start + size)
            output.append(contentsOf: bytes[start..<stop])
            index = stop + 2
        }
        return output
    }
}
