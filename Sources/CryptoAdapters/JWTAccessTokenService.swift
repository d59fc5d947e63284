import Domain
import Foundation
import JWTKit
import Synchronization

/// Settings for access tokens: the HMAC secret, who issues them and for whom, and how long they live.
public struct AccessTokenSettings: Sendable {
    public var secret: String
    public var issuer: String
    public var audience: String
    public var lifetime: TimeInterval

    public init(secret: String, issuer: String = "portside", audience: String = "portside-api", lifetime: TimeInterval = 15 * 60) {
        self.secret = secret
        self.issuer = issuer
        self.audience = audience
        self.lifetime = lifetime
    }
}

/// `AccessTokenService` on jwt-kit: HS256 only (the header's `alg` must say so), with `iss`, `aud`, `sub`, `sid`,
/// `iat`, `exp`, `jti` and `token_use: access`, so a refresh or any other token is never taken for an access token.
public struct JWTAccessTokenService: AccessTokenService {
    private let keys: JWTKeyCollection
    private let settings: AccessTokenSettings
    private let verified = VerifiedTokenCache(capacity: 10_000)

    public init(settings: AccessTokenSettings) async {
        self.settings = settings
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: settings.secret), digestAlgorithm: .sha256)
    }

    public func issue(userID: UUID, sessionID: UUID, tokenID: UUID, now: Date) async throws -> String {
        let payload = AccessPayload(
            iss: IssuerClaim(value: settings.issuer),
            aud: AudienceClaim(value: [settings.audience]),
            sub: SubjectClaim(value: userID.uuidString.lowercased()),
            sid: sessionID.uuidString.lowercased(),
            iat: IssuedAtClaim(value: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))),
            exp: ExpirationClaim(value: Date(timeIntervalSince1970: (now.timeIntervalSince1970 + settings.lifetime).rounded(.down))),
            jti: IDClaim(value: tokenID.uuidString.lowercased()),
            tokenUse: AccessPayload.accessUse
        )
        return try await keys.sign(payload, header: ["typ": "JWT"])
    }

    public func verify(_ token: String, now: Date) async throws -> AccessClaims {
        // A client sends the same token with every call for its whole lifetime: its signature and claims were
        // checked once, and only the time checks depend on `now`.
        if let claims = verified.claims(for: token) {
            guard claims.expiresAt > now, claims.issuedAt <= now.addingTimeInterval(60) else { throw DomainError.unauthenticated }
            return claims
        }
        // Pin the algorithm before anything else looks at the token. Tokens this service issued carry exactly the
        // header it writes, so they skip parsing it; any other header is parsed, must still say HS256, and may
        // name no critical extension (RFC 7515 4.1.11: one the verifier does not understand makes the token invalid).
        let header = token.utf8.prefix { $0 != UInt8(ascii: ".") }
        guard Self.issuedHeaders.contains(where: { header.elementsEqual($0.utf8) }) || Self.acceptsHeader(of: token) else {
            throw DomainError.unauthenticated
        }
        let payload: AccessPayload
        do {
            payload = try await keys.verify(token, as: AccessPayload.self)
        } catch {
            throw DomainError.unauthenticated
        }
        guard payload.tokenUse == AccessPayload.accessUse,
            payload.iss.value == settings.issuer,
            payload.aud.value.contains(settings.audience),
            payload.exp.value > now,
            payload.iat.value <= now.addingTimeInterval(60),
            payload.nbf.map({ $0.value <= now }) ?? true,
            let userID = UUID(uuidString: payload.sub.value),
            let sessionID = UUID(uuidString: payload.sid),
            let tokenID = UUID(uuidString: payload.jti.value)
        else { throw DomainError.unauthenticated }
        let claims = AccessClaims(userID: userID, sessionID: sessionID, tokenID: tokenID, issuedAt: payload.iat.value, expiresAt: payload.exp.value)
        verified.remember(claims, for: token)
        return claims
    }

    /// The base64url headers `issue` writes: `{"typ":"JWT","alg":"HS256"}` with its keys in either order (jwt-kit
    /// writes the header from a dictionary, whose order differs from process to process).
    static let issuedHeaders = ["eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"]

    /// Whether a header this service did not write may be verified: `alg` HS256, and no `crit`.
    static func acceptsHeader(of token: String) -> Bool {
        guard let header = header(of: token) else { return false }
        return header["alg"] as? String == "HS256" && header["crit"] == nil
    }

    /// The token's header as a JSON object, or nil when it cannot be read.
    static func header(of token: String) -> [String: Any]? {
        guard let header = token.split(separator: ".", omittingEmptySubsequences: false).first else { return nil }
        var base64 = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }
}

/// The claims of an access token. Time checks happen in `JWTAccessTokenService.verify`, against the injected clock.
struct AccessPayload: JWTPayload {
    static let accessUse = "access"

    var iss: IssuerClaim
    var aud: AudienceClaim
    var sub: SubjectClaim
    var sid: String
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var jti: IDClaim
    var tokenUse: String
    /// Never written by `issue`; honoured when present (a token not valid before a time in the future is refused).
    var nbf: NotBeforeClaim?

    enum CodingKeys: String, CodingKey {
        case iss, aud, sub, sid, iat, exp, jti, nbf
        case tokenUse = "token_use"
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Tokens whose signature and claims have been verified, with their claims. Bounded: when full it starts afresh,
/// which costs one full verification per live token.
final class VerifiedTokenCache: Sendable {
    private let capacity: Int
    private let entries = Mutex<[String: AccessClaims]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    func claims(for token: String) -> AccessClaims? {
        entries.withLock { $0[token] }
    }

    func remember(_ claims: AccessClaims, for token: String) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = claims
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
