import Crypto
import Foundation

/// AWS Signature Version 4 for S3, written from the published algorithm: the Authorization header for requests, and the
/// query string of presigned URLs. Checked against AWS's worked examples (SigV4SignerTests).
///
/// The caller gives the canonical URI already encoded (S3 object keys are encoded once, `/` kept) and the query and
/// header values raw; the signer encodes and orders them.
public struct SigV4Signer: Sendable {
    public let accessKeyID: String
    let secretAccessKey: String
    public let region: String
    public let service: String

    /// The SHA-256 of an empty body, which bodiless requests sign.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// Signs the headers but not the body, so a body can be streamed without reading it twice (HTTPS protects it).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    public init(accessKeyID: String, secretAccessKey: String, region: String, service: String = "s3") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
    }

    /// The headers to add to a request: `x-amz-date`, `x-amz-content-sha256` and `Authorization`. `headers` must hold
    /// `host` and every other header that is to be signed (names in any case).
    public func authorizationHeaders(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], payloadHash: String, date: Date
    ) -> [(String, String)] {
        let stamp = Self.timestamp(date)
        let signed = headers + [("x-amz-content-sha256", payloadHash), ("x-amz-date", stamp)]
        let (canonical, signedHeaders) = canonicalRequest(method: method, path: path, query: query, headers: signed, payloadHash: payloadHash)
        let signature = self.signature(of: canonical, date: date)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope(date)), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return [("x-amz-date", stamp), ("x-amz-content-sha256", payloadHash), ("Authorization", authorization)]
    }

    /// The complete query string of a presigned URL valid `expires` seconds from `date`: `query`, the `X-Amz-*`
    /// parameters and the signature. `headers` (with `host`) are the ones the request must carry as signed.
    public func presignedQuery(
        method: String, path: String, query: [(String, String)] = [], headers: [(String, String)], expires: Int, date: Date
    ) -> String {
        let signedHeaders = Self.canonicalHeaders(headers).names
        let parameters =
            query + [
                ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", "\(accessKeyID)/\(scope(date))"),
                ("X-Amz-Date", Self.timestamp(date)), ("X-Amz-Expires", String(expires)), ("X-Amz-SignedHeaders", signedHeaders),
            ]
        let (canonical, _) = canonicalRequest(method: method, path: path, query: parameters, headers: headers, payloadHash: Self.unsignedPayload)
        return Self.canonicalQuery(parameters) + "&X-Amz-Signature=" + signature(of: canonical, date: date)
    }

    /// The canonical request and the signed header names (step 1 of the algorithm).
    func canonicalRequest(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], payloadHash: String
    ) -> (String, String) {
        let (lines, names) = Self.canonicalHeaders(headers)
        return ([method, path, Self.canonicalQuery(query), lines, names, payloadHash].joined(separator: "\n"), names)
    }

    /// The string to sign for a canonical request (step 2).
    func stringToSign(_ canonicalRequest: String, date: Date) -> String {
        let hash = Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))
        return ["AWS4-HMAC-SHA256", Self.timestamp(date), scope(date), hash].joined(separator: "\n")
    }

    /// The signature of a canonical request (steps 3 and 4).
    func signature(of canonicalRequest: String, date: Date) -> String {
        var key = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
        for part in [Self.day(date), region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign(canonicalRequest, date: date).utf8), using: key))
    }

    func scope(_ date: Date) -> String { "\(Self.day(date))/\(region)/\(service)/aws4_request" }

    static func canonicalHeaders(_ headers: [(String, String)]) -> (lines: String, names: String) {
        let normalized = headers.map { (name: $0.0.lowercased(), value: Self.trimmed($0.1)) }.sorted { $0.name < $1.name }
        return (normalized.map { "\($0.name):\($0.value)\n" }.joined(), normalized.map(\.name).joined(separator: ";"))
    }

    static func canonicalQuery(_ query: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (encode($0.0), encode($0.1)) }
        let sorted = encoded.sorted { (a, b) -> Bool in a.name == b.name ? a.value < b.value : a.name < b.name }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// Percent-encodes every byte but the unreserved characters `A-Z a-z 0-9 - _ . ~` (and `/` when `keepSlash`).
    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                result.append("/")
            default:
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }

    /// Leading and trailing spaces removed, inner runs of spaces made one.
    private static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// `20130524T000000Z`.
    static func timestamp(_ date: Date) -> String {
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    static func day(_ date: Date) -> String { String(timestamp(date).prefix(8)) }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

extension SigV4Signer: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Never the secret key.
    public var description: String { "SigV4Signer(accessKeyID: \(accessKeyID), region: \(region), service: \(service))" }
    public var debugDescription: String { description }
    /// `dump` and debuggers see the same fields, never the secret key.
    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyID": accessKeyID, "region": region, "service": service])
    }
}
