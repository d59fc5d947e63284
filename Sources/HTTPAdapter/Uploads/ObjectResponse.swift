import Domain
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Serving a stored object: `Range` requests (one range; 206 with `Content-Range`), a strong `ETag` from its SHA-256,
/// the sniffed content type, and a `Content-Disposition` that names the file safely. The security headers add
/// `X-Content-Type-Options: nosniff` and a CSP that lets nothing run.
enum ObjectResponse {
    /// The range `Range` asks for, or nil for the whole object. Forms other than one `bytes=` range (several ranges,
    /// other units, malformed values) are ignored, as RFC 9110 allows: the whole object is served.
    static func range(_ request: Request) -> ObjectRange? {
        guard let header = request.headers[.range] else { return nil }
        let value = header.trimmingCharacters(in: .whitespaces)
        guard value.lowercased().hasPrefix("bytes="), !value.contains(",") else { return nil }
        let spec = value.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        func number(_ text: String) -> Int64? {
            guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            return Int64(text)
        }
        if first.isEmpty {
            guard let count = number(last) else { return nil }
            return .suffix(count: count)
        }
        guard let start = number(first) else { return nil }
        if last.isEmpty { return .bytes(start: start, end: nil) }
        guard let end = number(last), end >= start else { return nil }
        return .bytes(start: start, end: end)
    }

    /// The response streaming `download`, described by `contentType`, `sha256` and `disposition`.
    static func make(_ download: ObjectDownload, contentType: String, sha256: String, disposition: String, partial: Bool) -> Response {
        var headers: HTTPFields = [
            .contentType: contentType,
            .acceptRanges: "bytes",
            .eTag: "\"\(sha256)\"",
            .contentDisposition: disposition,
            .cacheControl: "private, no-cache",
        ]
        let length = download.range.map { $0.upperBound - $0.lowerBound + 1 } ?? 0
        headers[.contentLength] = String(length)
        var status = HTTPResponse.Status.ok
        if partial, let range = download.range {
            status = .partialContent
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(download.size)"
        }
        let body = ResponseBody(asyncSequence: download.chunks.map { ByteBuffer(bytes: $0) })
        return Response(status: status, headers: headers, body: body)
    }

    /// `attachment` (or `inline`) with the name twice: an ASCII fallback in `filename`, the exact name in `filename*`
    /// (RFC 6266, RFC 8187), so no quote, backslash or line break of a name can end the header early.
    static func disposition(_ type: String, filename: String) -> String {
        let fallback = String(
            filename.unicodeScalars.map { scalar -> Character in
                (0x20...0x7E).contains(scalar.value) && scalar != "\"" && scalar != "\\" && scalar != "%" ? Character(scalar) : "_"
            })
        var encoded = ""
        for byte in filename.utf8 {
            let unreserved =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "!#$&+-.^_`|~".utf8.contains(byte)
            encoded += unreserved ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }
        return "\(type); filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}
