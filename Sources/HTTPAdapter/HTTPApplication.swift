import Domain
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Builds the HTTP driving adapter: middleware in order, every route, the server settings.
public enum HTTPApplication {
    /// The router with its middleware and routes, and the catalog of documented API routes.
    public static func buildRouter(settings: HTTPSettings, dependencies: HTTPDependencies) -> (Router<AppRequestContext>, RouteCatalog) {
        let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
        // Outermost first. Errors become envelopes inside CORS and the security headers, so error answers carry
        // them too; the body is read before any route (and so before authentication) runs.
        // The span is outermost, so every log line of the request (the request line too) carries its ids.
        // A search term may be a person's name or address: it stays out of the span's `url.query`.
        if settings.tracing { router.add(middleware: TracingMiddleware(recordingHeaders: [], redactingQueryParameters: ["search"])) }
        router.add(
            middleware: RequestIDMiddleware(
                metrics: dependencies.requestMetrics, securityHeaders: SecurityHeadersMiddleware(production: settings.production),
                logIncomingTraceID: !settings.tracing))
        let cors = CORSPolicy(origins: settings.corsOrigins)
        router.add(middleware: CORSMiddleware(policy: cors))
        router.add(
            middleware: RateLimitMiddleware(
                trustedProxies: settings.trustedProxies,
                store: dependencies.rateLimitStore,
                clock: dependencies.clock,
                limit: settings.rateLimitMax,
                window: settings.rateLimitWindow
            )
        )
        router.add(middleware: PreflightMiddleware(policy: cors))
        router.add(middleware: QueryGuardMiddleware())
        router.add(middleware: BodyMiddleware(limit: settings.bodyLimit))
        let allowedMethods = AllowedMethods()
        router.add(middleware: MethodNotAllowedMiddleware(allowed: allowedMethods))

        let catalog = RouteCatalog(router: router)
        HealthController(
            checks: dependencies.checks,
            readiness: dependencies.readiness,
            clock: dependencies.clock,
            version: settings.version,
            jobs: dependencies.jobs,
            cacheLifetime: settings.healthCacheLifetime
        ).register(on: catalog)
        let authenticator = Authenticator(auth: dependencies.auth)
        let authLimit = RouteRateLimit(
            store: dependencies.rateLimitStore, clock: dependencies.clock, limit: settings.authRateLimitMax, window: settings.rateLimitWindow)
        AuthController(auth: dependencies.auth, authenticator: authenticator, limit: authLimit).register(on: catalog)
        UsersController(users: dependencies.users, authenticator: authenticator).register(on: catalog)
        JobsController(jobs: dependencies.jobs, authenticator: authenticator).register(on: catalog)
        ExamplesController(service: dependencies.examples, authenticator: authenticator).register(on: catalog)
        if let events = dependencies.events { EventsController(streams: events, auth: dependencies.auth).register(on: catalog) }
        AttachmentsController(service: dependencies.attachments, authenticator: authenticator).register(on: catalog)
        AvatarController(service: dependencies.avatars, authenticator: authenticator).register(on: catalog)
        DocsController(
            enabled: settings.docsEnabled, assets: settings.swaggerUI, assetsURL: settings.docsAssetsURL,
            production: settings.production, document: OpenAPIDocument.json(passwordPolicy: settings.passwordPolicy)
        ).register(on: router)
        if let endpoint = dependencies.metricsEndpoint { MetricsController(endpoint: endpoint).register(on: router) }
        allowedMethods.set(catalog.entries)
        return (router, catalog)
    }

    /// The Hummingbird application: a `Service` to run in the process's service group.
    public static func build(
        settings: HTTPSettings,
        dependencies: HTTPDependencies,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let (router, _) = buildRouter(settings: settings, dependencies: dependencies)
        if settings.docsEnabled, settings.docsAssetsURL == nil, settings.swaggerUI == nil {
            logger.warning("the docs page cannot show Swagger UI: portside_HTTPAdapter.resources is not beside the executable")
        }
        switch OpenAPIDocument.loaded {
        case nil:
            logger.error("/openapi.json answers 503: the API document's parts (portside_HTTPAdapter.resources) are not beside the executable")
        case .failure(let error)?:
            logger.error("/openapi.json answers 503: the API document's parts do not merge", metadata: ["error": "\(error)"])
        case .success?:
            break
        }
        let requestTimeout = TimeAmount(settings.requestTimeout)
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in
                GuardedHTTP1Channel(
                    base: HTTP1Channel(
                        responder: responder,
                        configuration: .init(
                            additionalChannelHandlers: [RequestTimeoutHandler(timeout: requestTimeout)],
                            idleTimeout: TimeAmount(settings.idleTimeout)
                        )
                    ),
                    securityHeaders: SecurityHeadersMiddleware.fixedFields(production: settings.production)
                )
            },
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger
        )
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
