import Crypto
import Foundation
import NIOCore

/// The pinned Swagger UI files the docs page serves (Sources/HTTPAdapter/Resources/swagger-ui), read once into memory
/// from the resource bundle SwiftPM puts beside the executable.
///
/// SwiftPM's generated `Bundle.module` stops the process when the bundle is missing, so the bundle is looked up here
/// instead: a binary copied without it still serves the API, and the docs page says what is missing.
public struct SwaggerUIAssets: Sendable {
    /// One served file.
    public struct File: Sendable {
        public let name: String
        public let contentType: String
        public let bytes: ByteBuffer
        /// The first 16 hex digits of the file's SHA-256: the versioned path segment, and the ETag.
        public let digest: String
        /// The Subresource Integrity value of the bytes served, `sha384-` and the base64 digest.
        public let integrity: String

        init(name: String, contentType: String, data: Data) {
            self.name = name
            self.contentType = contentType
            self.bytes = ByteBuffer(bytes: data)
            self.digest = String(SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined().prefix(16))
            self.integrity = "sha384-" + Data(SHA384.hash(data: data)).base64EncodedString()
        }

        /// Where the page loads it from; the digest in the path lets browsers cache it for good.
        public var path: String { "/api/v1/docs/assets/\(digest)/\(name)" }
    }

    public let script: File
    public let stylesheet: File
    public let icon: File?

    /// The files, by name.
    var files: [String: File] {
        var files = [script.name: script, stylesheet.name: stylesheet]
        if let icon { files[icon.name] = icon }
        return files
    }

    /// The bundled files, or nil when the resource bundle is not beside the executable (loaded on first use).
    public static let bundled: SwaggerUIAssets? = resourceDirectories().lazy.compactMap { load(from: $0) }.first

    /// Reads the files from `directory`; nil when the script or the stylesheet is missing there.
    public static func load(from directory: URL) -> SwaggerUIAssets? {
        func read(_ name: String, _ contentType: String) -> File? {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { return nil }
            return File(name: name, contentType: contentType, data: data)
        }
        guard let script = read("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
            let stylesheet = read("swagger-ui.css", "text/css; charset=utf-8")
        else { return nil }
        return SwaggerUIAssets(script: script, stylesheet: stylesheet, icon: read("favicon-32x32.png", "image/png"))
    }

    /// Where SwiftPM puts the HTTPAdapter target's `swagger-ui` resources.
    static func resourceDirectories() -> [URL] {
        HTTPResources.directories(named: "swagger-ui")
    }
}
