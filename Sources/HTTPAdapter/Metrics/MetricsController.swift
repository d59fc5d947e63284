import Domain
import HTTPTypes
import Hummingbird
import Logging

/// How `/metrics` answers: the Prometheus text the composition root renders, behind an optional bearer token.
public struct MetricsEndpoint: Sendable {
    /// `METRICS_TOKEN`: when set, a scrape must present it as `Authorization: Bearer …`.
    public var token: String?
    /// The current metrics in Prometheus text format (0.0.4).
    public var render: @Sendable () async -> String

    public init(token: String?, render: @escaping @Sendable () async -> String) {
        self.token = token
        self.render = render
    }
}

/// `GET /metrics`, outside `/api/v1` and the API's documentation: it is for the operators' scraper, not for clients.
struct MetricsController {
    let endpoint: MetricsEndpoint

    func register(on router: Router<AppRequestContext>) {
        router.get("/metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let token = endpoint.token {
            let presented = request.headers[.authorization].flatMap(Authenticator.bearerToken) ?? ""
            guard Self.matches(presented, token) else {
                return JSONResponse.failure(
                    .unauthorized, message: "A valid metrics token is required", headers: [.wwwAuthenticate: "Bearer"],
                    requestId: context.requestId
                )
            }
        }
        let text = await endpoint.render()
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }

    /// Compares in time that depends only on the configured token's length, never on the presented one or on where
    /// they first differ.
    static func matches(_ presented: String, _ token: String) -> Bool {
        let expected = Array(token.utf8)
        let given = Array(presented.utf8)
        var difference = UInt8(truncatingIfNeeded: expected.count ^ given.count) | (given.count == expected.count ? 0 : 1)
        for index in expected.indices {
            difference |= expected[index] ^ (given.isEmpty ? 0 : given[index % given.count])
        }
        return difference == 0
    }
}

extension HTTPApplication {
    /// The small server of a process that serves no API (`portside worker`): `GET /metrics` and `GET /health/live`
    /// on their own port, for the scraper and the orchestrator's liveness probe.
    public static func buildMetricsServer(
        host: String, port: Int, endpoint: MetricsEndpoint, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: AppRequestContext.self)
        router.add(
            middleware: RequestIDMiddleware(metrics: nil, securityHeaders: SecurityHeadersMiddleware(production: false), logIncomingTraceID: false))
        MetricsController(endpoint: endpoint).register(on: router)
        router.get("/health/live") { _, context in
            JSONResponse.success(message: "Service alive", data: StatusBody(status: "ok", checks: nil), context: context)
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
