import Crypto
import Foundation
import HTTPAdapter
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// The docs page serves its own pinned Swagger UI, checked by Subresource Integrity, and names no other origin.
@Suite struct DocsAssetsTests {
    /// The vendored files as committed (Sources/HTTPAdapter/Resources/swagger-ui).
    static let vendored = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "../../Sources/HTTPAdapter/Resources/swagger-ui"
    ).standardizedFileURL

    @Test func theBundledFilesAreFoundBesideTheTestRunner() throws {
        let assets = try #require(SwaggerUIAssets.bundled, "no portside_HTTPAdapter.resources beside the test binary")
        #expect(assets.script.bytes.readableBytes > 1_000_000)
        #expect(assets.icon != nil)
    }

    @Test func theServedAssetsAreThePinnedFilesWithTheHashThePageStates() async throws {
        try await TestApp().test { client in
            let page = try await client.get("/api/v1/docs")
            #expect(page.status == .ok)
            let script = try #require(Self.reference(in: page.text, tag: "script", attribute: "src", file: "swagger-ui-bundle.js"))
            let stylesheet = try #require(Self.reference(in: page.text, tag: "link", attribute: "href", file: "swagger-ui.css"))

            for (reference, contentType) in [(script, "text/javascript; charset=utf-8"), (stylesheet, "text/css; charset=utf-8")] {
                #expect(reference.url.hasPrefix("/api/v1/docs/assets/"))
                let asset = try await client.get(reference.url)
                #expect(asset.status == .ok)
                #expect(asset.headers[.contentType] == contentType)
                #expect(asset.headers[.cacheControl] == "public, max-age=31536000, immutable")
                let bytes = Data(asset.body.readableBytesView)
                #expect(reference.integrity == "sha384-" + Data(SHA384.hash(data: bytes)).base64EncodedString())
                // Byte for byte the committed file, whose SHA-256 scripts/vendor-swagger-ui.sh pins in SHA256SUMS.
                let name = String(reference.url.split(separator: "/").last ?? "")
                #expect(try Self.pinnedSHA256(of: name) == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
            }
        }
    }

    @Test func thePageNamesNoOtherOriginAndItsPolicyAllowsNone() async throws {
        try await TestApp().test { client in
            let page = try await client.get("/docs")
            #expect(!page.text.contains("http://") && !page.text.contains("https://") && !page.text.contains("//unpkg"))
            let policy = try #require(page.headers[.contentSecurityPolicy])
            let directives = policy.split(separator: ";").map { $0.split(separator: " ").map(String.init) }
            // Not even inline styles: Swagger UI sets its styles through the DOM, which the policy does not govern.
            let allowed: Set = ["'self'", "'none'", "data:"]
            for directive in directives {
                #expect(Set(directive.dropFirst()).isSubset(of: allowed), "\(directive.joined(separator: " "))")
            }
            #expect(policy.contains("script-src 'self';") && policy.contains("style-src 'self';"))
            // Every script on the page, the initializer too, carries an integrity value.
            #expect(page.text.components(separatedBy: "<script ").count == 3)
            #expect(page.text.components(separatedBy: "integrity=\"sha384-").count == 4)
        }
    }

    @Test func anAssetIsServedOnlyUnderItsCurrentDigestAndRevalidatesByETag() async throws {
        let assets = try #require(SwaggerUIAssets.bundled)
        try await TestApp().test { client in
            let stale = try await client.get("/api/v1/docs/assets/0123456789abcdef/swagger-ui-bundle.js")
            #expect(stale.status == .notFound)
            let unknown = try await client.get("/api/v1/docs/assets/\(assets.script.digest)/index.html")
            #expect(unknown.status == .notFound)

            let first = try await client.get(assets.stylesheet.path)
            let etag = try #require(first.headers[.eTag])
            let again = try await client.get(assets.stylesheet.path, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
        }
    }

    @Test func withoutTheBundleThePageSaysSoAndTheServerStillRuns() async throws {
        var app = TestApp()
        app.settings.swaggerUI = nil
        let capture = LogCapture()
        try await app.test(logger: capture.logger()) { client, _ in
            let page = try await client.get("/api/v1/docs")
            #expect(page.status == .ok)
            #expect(page.text.contains("portside_HTTPAdapter.resources"))
            #expect(!page.text.contains("<script"))
            #expect(try await client.get("/api/v1/health/live").status == .ok)
        }
        #expect(capture.all.contains { $0.hasPrefix("warning") && $0.contains("portside_HTTPAdapter.resources") })
    }

    @Test func aDirectoryWithoutTheFilesLoadsNothing() throws {
        #expect(SwaggerUIAssets.load(from: URL(fileURLWithPath: NSTemporaryDirectory())) == nil)
        #expect(SwaggerUIAssets.load(from: Self.vendored) != nil)
    }

    private static func reference(in html: String, tag: String, attribute: String, file: String) -> (url: String, integrity: String)? {
        let pattern = "<\(tag) [^>]*\(attribute)=\"([^\"]*/\(file))\" integrity=\"([^\"]+)\""
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)),
            let url = Range(match.range(at: 1), in: html), let integrity = Range(match.range(at: 2), in: html)
        else { return nil }
        return (String(html[url]), String(html[integrity]))
    }

    private static func pinnedSHA256(of name: String) throws -> String? {
        let sums = try String(contentsOf: vendored.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        return sums.split(separator: "\n").first { $0.hasSuffix("  \(name)") }.map { String($0.prefix(64)) }
    }
}
