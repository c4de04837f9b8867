import WardenProtocol

/// Standing rights of one caller uid or one group (`[[policy]]` in the configuration).
public struct StandingPolicy: Sendable, Equatable {
    public var subject: TokenSubject
    /// Levels this subject may use (empty: every level `security.levels` allows).
    public var levels: [SecurityLevel]
    /// Granted to every request of the subject, as if it carried a token with them.
    public var capabilities: [Capability]

    public init(subject: TokenSubject, levels: [SecurityLevel] = [], capabilities: [Capability] = []) {
        self.subject = subject
        self.levels = levels
        self.capabilities = capabilities
    }
}

/// What a request was allowed after its tokens and its caller's standing grants were checked.
public struct Authorization: Sendable, Equatable {
    public var securityLevel: SecurityLevel
    public var grants: CapabilityGrants
    /// Ids of the tokens that were accepted (logged with the execution id).
    public var tokenIDs: [String]
}

/// The caller as the kernel reported it, with the groups its user belongs to.
public struct CallerCredentials: Sendable, Equatable {
    public var uid: UInt32
    /// The primary gid (`SO_PEERCRED`) and the supplementary groups of the uid's user.
    public var groups: Set<UInt32>

    public init(uid: UInt32, groups: Set<UInt32>) {
        self.uid = uid
        self.groups = groups
    }
}

/// Verifies capability tokens and applies the security configuration: which levels a caller
/// may use, standing grants, revocation. Pure: the clock comes in as a parameter.
public struct CapabilityAuthority: Sendable {
    public var keys: CapabilityKeyring
    /// `security.levels`
    public var levels: [SecurityLevel]
    /// `security.default_level`: the level of a request that names none.
    public var defaultLevel: SecurityLevel
    /// `security.revoked_tokens`: token ids refused whatever their signature.
    public var revoked: Set<String>
    public var standing: [StandingPolicy]
    /// Most tokens one request may carry.
    public static let maxTokensPerRequest = 8
    /// Clock skew tolerated for a token's issue time.
    public static let skewSeconds: Int64 = 300

    public init(
        keys: CapabilityKeyring, levels: [SecurityLevel] = SecurityLevel.allCases, defaultLevel: SecurityLevel = .strict,
        revoked: Set<String> = [], standing: [StandingPolicy] = []
    ) {
        self.keys = keys
        self.levels = levels
        self.defaultLevel = defaultLevel
        self.revoked = revoked
        self.standing = standing
    }

    /// Checks every token of `request` and the caller's right to its level; the first refusal
    /// is thrown with its reason (403).
    public func authorize(
        _ request: ExecutionRequest, caller: CallerCredentials, now: Int64
    ) throws(TokenRefusal) -> Authorization {
        guard request.capabilities.count <= Self.maxTokensPerRequest else {
            throw TokenRefusal(.malformed, "a request may carry at most \(Self.maxTokensPerRequest) capability tokens, got \(request.capabilities.count)")
        }
        let level = request.securityLevelRequested ? request.securityLevel : defaultLevel
        let mine = standing.filter { Self.matches($0.subject, caller) }
        guard levels.contains(level) else {
            throw TokenRefusal(
                .levelNotAllowed,
                "security level '\(level.rawValue)' is not enabled on this daemon (security.levels: \(levels.map(\.rawValue).joined(separator: ", ")))",
                field: "security_level"
            )
        }
        let restricted = mine.filter { !$0.levels.isEmpty }
        if !restricted.isEmpty, !restricted.contains(where: { $0.levels.contains(level) }) {
            let allowed = Set(restricted.flatMap(\.levels)).map(\.rawValue).sorted()
            throw TokenRefusal(
                .levelNotAllowed,
                "uid \(caller.uid) may not use security level '\(level.rawValue)'; its policy allows \(allowed.joined(separator: ", "))",
                field: "security_level"
            )
        }
        var grants = CapabilityGrants(mine.flatMap(\.capabilities))
        var ids: [String] = []
        for (index, text) in request.capabilities.enumerated() {
            do {
                let token = try CapabilityToken.verify(text, keys: keys)
                try check(token, caller: caller, now: now)
                grants = grants.merging(CapabilityGrants(token.capabilities))
                ids.append(token.id)
            } catch {
                var refusal = error
                refusal.message = "capability token \(index + 1) refused (\(error.reason.rawValue)): \(error.message)"
                refusal.field = "capabilities[\(index)]"
                throw refusal
            }
        }
        return Authorization(securityLevel: level, grants: grants, tokenIDs: ids)
    }

    /// Expiry, revocation and subject of a token whose signature verified.
    public func check(_ token: CapabilityToken, caller: CallerCredentials, now: Int64) throws(TokenRefusal) {
        if revoked.contains(token.id) {
            throw TokenRefusal(.revoked, "token \(token.id) has been revoked (security.revoked_tokens)", tokenID: token.id)
        }
        if token.expiresAt <= now {
            throw TokenRefusal(.expired, "token \(token.id) expired \(now - token.expiresAt) s ago", tokenID: token.id)
        }
        if token.issuedAt > now + Self.skewSeconds {
            throw TokenRefusal(.notYetValid, "token \(token.id) is issued in the future (\(token.issuedAt - now) s from now)", tokenID: token.id)
        }
        guard Self.matches(token.subject, caller) else {
            throw TokenRefusal(
                .foreign,
                "token \(token.id) is bound to \(token.subject) and may not be used by uid \(caller.uid)",
                tokenID: token.id
            )
        }
    }

    static func matches(_ subject: TokenSubject, _ caller: CallerCredentials) -> Bool {
        switch subject {
        case .anyone: return true
        case .uid(let uid): return uid == caller.uid
        case .gid(let gid): return caller.groups.contains(gid)
        }
    }
}
