/// Who sent a request, as the kernel reported it (`SO_PEERCRED`), never as the client claims.
public struct CallerIdentity: Sendable, Equatable, Codable {
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32
    /// The user name of `uid` where the host knows it.
    public var userName: String?

    public init(uid: UInt32, gid: UInt32, pid: Int32, userName: String? = nil) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.userName = userName
    }
}
