import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The OpenAPI document at `/openapi.json` and a Swagger UI page at `/docs` (both also under `/api/v1`), and the
/// `/` redirect to the docs outside production.
struct DocsController {
    let assetsURL: String
    let production: Bool
    /// The document as served: its password schema states the configured policy.
    let document: String

    func register(on router: Router<AppRequestContext>) {
        for prefix in ["", "/api/v1"] {
            router.get(RouterPath("\(prefix)/openapi.json"), use: openAPI)
            router.get(RouterPath("\(prefix)/docs"), use: page)
            router.get(RouterPath("\(prefix)/docs/swagger-initializer.js"), use: initializer)
        }
        if !production {
            router.get("/") { _, _ in Response(status: .found, headers: [.location: "/api/v1/docs"]) }
        }
    }

    @Sendable func openAPI(_ request: Request, context: AppRequestContext) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: JSONResponse.contentType, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: document))
        )
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) -> Response {
        let base = assetsURL.hasSuffix("/") ? String(assetsURL.dropLast()) : assetsURL
        let html = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Portside API</title>
            <link rel="stylesheet" href="\(Self.escape(base))/swagger-ui.css">
            </head>
            <body>
            <div id="swagger-ui"></div>
            <script src="\(Self.escape(base))/swagger-ui-bundle.js"></script>
            <script src="/api/v1/docs/swagger-initializer.js"></script>
            </body>
            </html>
            """
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: contentSecurityPolicy],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html))
        )
    }

    @Sendable func initializer(_ request: Request, context: AppRequestContext) -> Response {
        let script = """
            window.onload = function () {
              window.ui = SwaggerUIBundle({
                url: "/api/v1/openapi.json",
                dom_id: "#swagger-ui",
                deepLinking: true,
                presets: [SwaggerUIBundle.presets.apis],
                layout: "BaseLayout"
              });
            };
            """
        return Response(
            status: .ok,
            headers: [.contentType: "text/javascript; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: script))
        )
    }

    /// Scripts only from this origin and the assets' origin; no inline script.
    var contentSecurityPolicy: String {
        let origin = URL(string: assetsURL).flatMap { url -> String? in
            guard let scheme = url.scheme, let host = url.host else { return nil }
            return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        }
        let sources = ["'self'", origin].compactMap { $0 }.joined(separator: " ")
        return "default-src 'none'; script-src \(sources); style-src \(sources) 'unsafe-inline'; img-src \(sources) data:; "
            + "font-src \(sources); connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
