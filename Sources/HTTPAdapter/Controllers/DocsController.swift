import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The OpenAPI document at `/openapi.json` (both also under `/api/v1`, always served), and when the docs are enabled a
/// Swagger UI page at `/docs` with its pinned assets under `/api/v1/docs/assets/`, and the `/` redirect to the docs
/// outside production.
struct DocsController {
    let enabled: Bool
    /// The bundled Swagger UI (nil: not installed beside the binary).
    let assets: SwaggerUIAssets?
    /// An operator's own host for the assets, used instead of the bundled ones, without integrity checks.
    let assetsURL: String?
    let production: Bool
    /// The document as served: its password schema states the configured policy. Nil when its parts were not
    /// found beside the binary: `/openapi.json` then answers 503 and says so.
    let document: String?

    func register(on router: Router<AppRequestContext>) {
        for prefix in ["", "/api/v1"] {
            router.get(RouterPath("\(prefix)/openapi.json"), use: openAPI)
        }
        guard enabled else { return }
        for prefix in ["", "/api/v1"] {
            router.get(RouterPath("\(prefix)/docs"), use: page)
            router.get(RouterPath("\(prefix)/docs/swagger-initializer.js"), use: initializer)
        }
        if let assets {
            let files = assets.files
            router.get("/api/v1/docs/assets/:digest/:file") { request, context in
                try Self.asset(files, request: request, context: context)
            }
        }
        if !production {
            router.get("/") { _, _ in Response(status: .found, headers: [.location: "/api/v1/docs"]) }
        }
    }

    @Sendable func openAPI(_ request: Request, context: AppRequestContext) throws -> Response {
        guard let document else {
            throw HTTPProblem(
                status: .serviceUnavailable,
                message: "The API document is not installed: portside_HTTPAdapter.resources must be beside the executable")
        }
        return Response(
            status: .ok,
            headers: [.contentType: JSONResponse.contentType, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: document))
        )
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: contentSecurityPolicy],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html))
        )
    }

    @Sendable func initializer(_ request: Request, context: AppRequestContext) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/javascript; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: Self.initializerScript))
        )
    }

    /// A file is served only under its current digest, so a cached answer can never be stale: it is immutable.
    static func asset(_ files: [String: SwaggerUIAssets.File], request: Request, context: AppRequestContext) throws -> Response {
        guard let name = context.parameters.get("file"), let file = files[name], context.parameters.get("digest") == file.digest else {
            throw HTTPError(.notFound)
        }
        let etag = "\"\(file.digest)\""
        var headers: HTTPFields = [.cacheControl: "public, max-age=31536000, immutable", .eTag: etag]
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = file.contentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: file.bytes))
    }

    var html: String {
        let head: String
        let script: String
        if let assetsURL {
            let base = Self.escape(assetsURL.hasSuffix("/") ? String(assetsURL.dropLast()) : assetsURL)
            head = "<link rel=\"stylesheet\" href=\"\(base)/swagger-ui.css\">"
            script = "<script src=\"\(base)/swagger-ui-bundle.js\"></script>\n"
        } else if let assets {
            head = [
                assets.icon.map { "<link rel=\"icon\" type=\"image/png\" href=\"\($0.path)\">" },
                "<link rel=\"stylesheet\" href=\"\(assets.stylesheet.path)\" integrity=\"\(assets.stylesheet.integrity)\">",
            ].compactMap { $0 }.joined(separator: "\n")
            script = "<script src=\"\(assets.script.path)\" integrity=\"\(assets.script.integrity)\"></script>\n"
        } else {
            return Self.missingAssetsPage
        }
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Portside API</title>
            \(head)
            </head>
            <body>
            <div id="swagger-ui"></div>
            \(script)<script src="/api/v1/docs/swagger-initializer.js" integrity="\(Self.initializerIntegrity)"></script>
            </body>
            </html>
            """
    }

    /// Scripts and styles only from this origin (and the operator's assets host, when one is set); no inline script or
    /// style (Swagger UI sets styles through the DOM, which the policy does not govern; scripts/checks/docs-browser.sh
    /// fails on any violation).
    var contentSecurityPolicy: String {
        let origin = assetsURL.flatMap(URL.init(string:)).flatMap { url -> String? in
            guard let scheme = url.scheme, let host = url.host else { return nil }
            return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        }
        let sources = ["'self'", origin].compactMap { $0 }.joined(separator: " ")
        return "default-src 'none'; script-src \(sources); style-src \(sources); img-src \(sources) data:; "
            + "font-src \(sources); connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    }

    static let initializerScript = """
        window.onload = function () {
          window.ui = SwaggerUIBundle({
            url: "/api/v1/openapi.json",
            dom_id: "#swagger-ui",
            deepLinking: true,
            validatorUrl: null,
            presets: [SwaggerUIBundle.presets.apis],
            layout: "BaseLayout"
          });
        };
        """

    static let initializerIntegrity = "sha384-" + Data(SHA384.hash(data: Data(initializerScript.utf8))).base64EncodedString()

    /// What `/docs` shows when the binary was installed without its resource bundle.
    static let missingAssetsPage = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Portside API</title></head>
        <body>
        <p>The API docs page cannot be shown: Swagger UI's files (the portside_HTTPAdapter.resources directory) were not
        installed beside the portside binary.</p>
        <p>The OpenAPI document is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
        </body>
        </html>
        """

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
