import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// What Portside knows about a request while serving it.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request id echoed in `X-Request-Id` and in every envelope.
    public var requestId = ""
    /// The address of the TCP peer (a proxy, when there is one).
    public let peerAddress: String?
    /// The client's address: the peer, or the `X-Forwarded-For` hop a trusted proxy vouches for.
    public var clientAddress = "unknown"
    /// The query parameters, each present at most once (see `QueryGuardMiddleware`).
    public var query: [String: String] = [:]
    /// The request body, read in full by `BodyMiddleware` (within `BODY_LIMIT`).
    public var body: ByteBuffer?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let traceparent = HTTPField.Name("traceparent")!
    static let rateLimitLimit = HTTPField.Name("RateLimit-Limit")!
    static let rateLimitRemaining = HTTPField.Name("RateLimit-Remaining")!
    static let rateLimitReset = HTTPField.Name("RateLimit-Reset")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let strictTransportSecurity = HTTPField.Name("Strict-Transport-Security")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
    static let crossOriginResourcePolicy = HTTPField.Name("Cross-Origin-Resource-Policy")!
    static let originAgentCluster = HTTPField.Name("Origin-Agent-Cluster")!
    static let xPermittedCrossDomainPolicies = HTTPField.Name("X-Permitted-Cross-Domain-Policies")!
    static let xDNSPrefetchControl = HTTPField.Name("X-DNS-Prefetch-Control")!
}
