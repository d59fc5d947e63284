import Crypto
import Domain
import Foundation
import JWTKit
import Testing

@testable import CryptoAdapters

@Suite struct JWTAccessTokenServiceTests {
    static let secret = String(repeating: "s3cr3t-", count: 10)
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let user = UUID()
    let session = UUID()
    let tokenID = UUID()

    func service(_ settings: AccessTokenSettings = AccessTokenSettings(secret: secret)) async -> JWTAccessTokenService {
        await JWTAccessTokenService(settings: settings)
    }

    /// Claims as the service would write them, for tokens signed by hand.
    func payload(tokenUse: String) -> AccessPayload {
        AccessPayload(
            iss: "portside", aud: AudienceClaim(value: ["portside-api"]), sub: SubjectClaim(value: user.uuidString),
            sid: session.uuidString, iat: IssuedAtClaim(value: now), exp: ExpirationClaim(value: now.addingTimeInterval(600)),
            jti: IDClaim(value: tokenID.uuidString), tokenUse: tokenUse
        )
    }

    @Test func anIssuedTokenVerifiesWithItsClaims() async throws {
        let service = await service()
        let token = try await service.issue(userID: user, sessionID: session, tokenID: tokenID, now: now)
        let claims = try await service.verify(token, now: now.addingTimeInterval(60))

        #expect(claims.userID == user)
        #expect(claims.sessionID == session)
        #expect(claims.tokenID == tokenID)
        #expect(claims.expiresAt == now.addingTimeInterval(15 * 60))
        #expect(JWTAccessTokenService.header(of: token)?["alg"] as? String == "HS256")
    }

    @Test func anExpiredTokenIsRefused() async throws {
        let service = await service()
        let token = try await service.issue(userID: user, sessionID: session, tokenID: tokenID, now: now)
        await #expect(throws: DomainError.unauthenticated) { try await service.verify(token, now: now.addingTimeInterval(15 * 60)) }
    }

    @Test func aTokenForAnotherAudienceOrIssuerIsRefused() async throws {
        let other = await service(AccessTokenSettings(secret: Self.secret, issuer: "someone-else"))
        let otherAudience = await service(AccessTokenSettings(secret: Self.secret, audience: "another-api"))
        let ours = await service()
        let foreignIssuer = try await other.issue(userID: user, sessionID: session, tokenID: tokenID, now: now)
        let foreignAudience = try await otherAudience.issue(userID: user, sessionID: session, tokenID: tokenID, now: now)

        await #expect(throws: DomainError.unauthenticated) { try await ours.verify(foreignIssuer, now: now) }
        await #expect(throws: DomainError.unauthenticated) { try await ours.verify(foreignAudience, now: now) }
    }

    @Test func aTokenSignedWithAnotherSecretIsRefused() async throws {
        let forger = await service(AccessTokenSettings(secret: String(repeating: "other-", count: 12)))
        let token = try await forger.issue(userID: user, sessionID: session, tokenID: tokenID, now: now)
        await #expect(throws: DomainError.unauthenticated) { try await service().verify(token, now: now) }
    }

    @Test func aTokenThatIsNotAnAccessTokenIsRefused() async throws {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: Self.secret), digestAlgorithm: .sha256)
        let refresh = try await keys.sign(payload(tokenUse: "refresh"))
        let access = try await keys.sign(payload(tokenUse: "access"))

        await #expect(throws: DomainError.unauthenticated) { try await service().verify(refresh, now: now) }
        #expect(try await service().verify(access, now: now).userID == user)
    }

    @Test func otherAlgorithmsAreRefusedEvenWithTheRightSecret() async throws {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: Self.secret), digestAlgorithm: .sha512)
        let hs512 = try await keys.sign(payload(tokenUse: "access"))
        let header = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let unsigned = header + "." + hs512.split(separator: ".")[1] + "."

        await #expect(throws: DomainError.unauthenticated) { try await service().verify(hs512, now: now) }
        await #expect(throws: DomainError.unauthenticated) { try await service().verify(unsigned, now: now) }
    }

    @Test func aTokenNotValidBeforeAFutureTimeIsRefusedUntilThen() async throws {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: Self.secret), digestAlgorithm: .sha256)
        var claims = payload(tokenUse: "access")
        claims.nbf = NotBeforeClaim(value: now.addingTimeInterval(300))
        let early = try await keys.sign(claims)

        await #expect(throws: DomainError.unauthenticated) { try await service().verify(early, now: now) }
        #expect(try await service().verify(early, now: now.addingTimeInterval(300)).userID == user)
    }

    @Test(arguments: [#"["exp"]"#, #"["b64"]"#, "[]"])
    func aTokenNamingACriticalHeaderExtensionIsRefused(crit: String) async throws {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: Self.secret), digestAlgorithm: .sha256)
        let plain = try await keys.sign(payload(tokenUse: "access"))
        // Signed with the right secret over a header carrying `crit`: only the header makes it unacceptable.
        let header = Self.base64URL(#"{"alg":"HS256","typ":"JWT","crit":\#(crit)}"#)
        let body = plain.split(separator: ".")[1]
        let key = SymmetricKey(data: Data(Self.secret.utf8))
        let signature = HMAC<SHA256>.authenticationCode(for: Data("\(header).\(body)".utf8), using: key)
        let critical = "\(header).\(body).\(Self.base64URL(Data(signature)))"

        #expect(try await service().verify(plain, now: now).userID == user)
        await #expect(throws: DomainError.unauthenticated) { try await service().verify(critical, now: now) }
    }

    static func base64URL(_ text: String) -> String { base64URL(Data(text.utf8)) }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test(arguments: ["", "garbage", "a.b.c", "....."])
    func garbageIsRefused(token: String) async throws {
        await #expect(throws: DomainError.unauthenticated) { try await service().verify(token, now: now) }
    }

    @Test func issuedTokensCarryTheHeaderTheVerifierRecognisesWithoutParsing() async throws {
        let service = await JWTAccessTokenService(settings: AccessTokenSettings(secret: Self.secret))

        let token = try await service.issue(userID: user, sessionID: session, tokenID: UUID(), now: now)

        #expect(JWTAccessTokenService.issuedHeaders.contains { token.hasPrefix($0 + ".") })
        for header in JWTAccessTokenService.issuedHeaders {
            let decoded = try #require(Data(base64Encoded: header))
            let object = try #require(try JSONSerialization.jsonObject(with: decoded) as? [String: String])
            #expect(object == ["alg": "HS256", "typ": "JWT"])
        }
        #expect(JWTAccessTokenService.header(of: token)?["alg"] as? String == "HS256")
    }

    @Test func aVerifiedTokenStillExpiresAndATamperedCopyIsStillRefused() async throws {
        let service = await JWTAccessTokenService(settings: AccessTokenSettings(secret: Self.secret))
        let token = try await service.issue(userID: user, sessionID: session, tokenID: UUID(), now: now)
        _ = try await service.verify(token, now: now)
        var parts = token.split(separator: ".").map(String.init)
        parts[2] = String(parts[2].reversed())

        await #expect(throws: DomainError.unauthenticated) { try await service.verify(parts.joined(separator: "."), now: now) }
        await #expect(throws: DomainError.unauthenticated) { try await service.verify(token, now: now.addingTimeInterval(15 * 60 + 1)) }
        #expect(try await service.verify(token, now: now.addingTimeInterval(60)).userID == user)
    }

    @Test func theVerifiedTokenCacheIsBounded() {
        let cache = VerifiedTokenCache(capacity: 2)
        let claims = AccessClaims(userID: user, sessionID: session, tokenID: UUID(), issuedAt: now, expiresAt: now)

        for token in ["a", "b", "c"] { cache.remember(claims, for: token) }

        #expect(cache.count == 1)
        #expect(cache.claims(for: "c") == claims)
        #expect(cache.claims(for: "a") == nil)
    }
}
