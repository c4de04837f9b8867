/// Bytes read from a worker, kept up to a bound; everything past it is counted and dropped.
struct BoundedBuffer {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    private(set) var totalBytes = 0

    init(limit: Int) {
        self.limit = limit
    }

    var overflowed: Bool { totalBytes > limit }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        totalBytes += chunk.count
        let room = limit - bytes.count
        if room > 0 { bytes.append(contentsOf: chunk.prefix(room)) }
    }

    /// The kept bytes as text; invalid UTF-8 (including a character cut at the bound) is replaced.
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
