import Foundation
import Testing
import WardenPolicy
import WardenProtocol

@Suite struct CapabilityTokenTests {
    let key = CapabilityKey(id: "k1", bytes: Array(repeating: 7, count: 32))
    var keyring: CapabilityKeyring { CapabilityKeyring([key]) }

    func token(_ caps: [String], subject: TokenSubject = .uid(1000), iat: Int64 = 1_000, exp: Int64 = 2_000) throws -> CapabilityToken {
        CapabilityToken(
            keyID: "k1", id: String(repeating: "0f", count: 16), subject: subject, issuedAt: iat, expiresAt: exp,
            capabilities: try caps.map { try Capability.parse($0) }
        )
    }

    @Test func signedTokensRoundTrip() throws {
        let original = try token(["import:numpy", "file.read:/data/*", "network:[::1]:8080", "subprocess", "threads:4"])
        let text = original.signed(with: key)
        #expect(text.hasPrefix("wdn1.k1."))
        #expect(try CapabilityToken.verify(text, keys: keyring) == original)
    }

    @Test func keyFilesAreASCIIHexOnly() throws {
        let valid = String(repeating: "0a", count: 32)
        #expect(try CapabilityKey.parseFile(id: "k1", text: valid + "\n").id == "k1")
        // Fullwidth digits are hex digits to Swift's Character, not to UInt8(_:radix:).
        let fullwidth = String(repeating: "０ａ", count: 32)
        #expect(throws: KeyFileError.self) { try CapabilityKey.parseFile(id: "k1", text: fullwidth) }
    }

    @Test func anyChangedByteBreaksTheSignature() throws {
        let text = try token(["import:numpy"]).signed(with: key)
        let payloadStart = text.index(text.startIndex, offsetBy: "wdn1.k1.".count + 3)
        var altered = text
        altered.replaceSubrange(payloadStart...payloadStart, with: text[payloadStart] == "A" ? "B" : "A")
        #expect(throws: TokenRefusal.self) { try CapabilityToken.verify(altered, keys: keyring) }
        let otherKey = CapabilityKey(id: "k1", bytes: Array(repeating: 8, count: 32))
        let forged = try token(["subprocess"]).signed(with: otherKey)
        do {
            _ = try CapabilityToken.verify(forged, keys: keyring)
            Issue.record("a forged token verified")
        } catch {
            #expect(error.reason == .invalidSignature)
        }
    }

    @Test func malformedTokensNameWhatIsWrong() {
        func reason(_ text: String) -> String? {
            do {
                _ = try CapabilityToken.verify(text, keys: keyring)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(reason("wdn2.k1.e30.AAAA")?.contains("unsupported token version") == true)
        #expect(reason("wdn1.k1.e30")?.contains("4 dot-separated parts") == true)
        #expect(reason("wdn1.K!.e30.AAAA")?.contains("key id") == true)
        #expect(reason("wdn1.k2.e30." + String(repeating: "A", count: 43))?.contains("'k2'") == true)
        #expect(reason(String(repeating: "a", count: 5000))?.contains("at most 4096") == true)
        #expect(reason("wdn1.k1.e30.AAAA")?.contains("signature is not") == true)
    }

    @Test func payloadFieldsAreCheckedStrictly() throws {
        #expect(throws: CapabilityError.self) { try Capability.parse("teleport:now") }
        #expect(throws: CapabilityError.self) { try Capability.parse("file.read:data/*") }
        #expect(throws: CapabilityError.self) { try Capability.parse("file.read:/data/../etc") }
        #expect(throws: CapabilityError.self) { try Capability.parse("file.read:/*") }
        #expect(throws: CapabilityError.self) { try Capability.parse("network:host:99999") }
        #expect(throws: CapabilityError.self) { try Capability.parse("network:a:b:c") }
        #expect(throws: CapabilityError.self) { try Capability.parse("threads:0") }
        #expect(throws: CapabilityError.self) { try Capability.parse("subprocess:yes") }
        #expect(throws: CapabilityError.self) { try Capability.parse("import:os;rm") }
        #expect(try Capability.parse("import:numpy.linalg") == .importModule("numpy"))
        #expect(try Capability.parse("network:Example.COM").description == "network:example.com")
        guard case .fileRead(let path) = try Capability.parse("file.read:/data/in/*.csv") else {
            Issue.record("not a file grant")
            return
        }
        #expect(path.literalPrefix == "/data/in")
    }

    @Test func authorityChecksExpiryRevocationAndSubject() throws {
        let authority = CapabilityAuthority(keys: keyring, revoked: [String(repeating: "ab", count: 16)])
        let caller = CallerCredentials(uid: 1000, groups: [100])
        func attempt(_ token: CapabilityToken, now: Int64 = 1_500) -> TokenRefusal.Reason? {
            let request = ExecutionRequest(code: "pass", capabilities: [token.signed(with: key)])
            do {
                _ = try authority.authorize(request, caller: caller, now: now)
                return nil
            } catch {
                return error.reason
            }
        }
        #expect(attempt(try token(["subprocess"])) == nil)
        #expect(attempt(try token(["subprocess"]), now: 2_000) == .expired)
        #expect(attempt(try token(["subprocess"]), now: 1_000 - 301) == .notYetValid)
        #expect(attempt(try token(["subprocess"], subject: .uid(1001))) == .foreign)
        #expect(attempt(try token(["subprocess"], subject: .gid(100))) == nil)
        #expect(attempt(try token(["subprocess"], subject: .gid(101))) == .foreign)
        #expect(attempt(try token(["subprocess"], subject: .anyone)) == nil)
        var revoked = try token(["subprocess"])
        revoked.id = String(repeating: "ab", count: 16)
        #expect(attempt(revoked) == .revoked)
    }

    @Test func grantsWidenImportsAndLimits() throws {
        let grants = CapabilityGrants(try ["import:numpy", "network:127.0.0.1:80", "limits.memory_mb:500", "threads:6"].map { try Capability.parse($0) })
        let modules = try #require(grants.allowedModules(at: .strict))
        #expect(modules.contains("numpy") && modules.contains("socket") && !modules.contains("subprocess"))
        #expect(grants.changesKernelLayers)
        let policy = LimitPolicy.standard
        let capped = policy.effectiveLimits(
            for: RequestedLimits(memoryMB: 1000), grants: .none, ungranted: UngrantedLimits(memoryMB: 200)
        )
        #expect(capped.memoryMB == 200)
        let raised = policy.effectiveLimits(
            for: RequestedLimits(memoryMB: 1000), grants: grants, ungranted: UngrantedLimits(memoryMB: 200)
        )
        #expect(raised.memoryMB == 500)
        #expect(raised.maxProcesses == 6)
        #expect(CapabilityGrants(try ["import:*"].map { try Capability.parse($0) }).allowedModules(at: .strict) == nil)
    }
}
