import Foundation

/// `s3://BUCKET[?endpoint=URL][&region=REGION]`, checked: the bucket and where to reach it. Path-style addressing
/// (`ENDPOINT/BUCKET/KEY`), which every S3-compatible server accepts. The endpoint defaults to AWS's regional one.
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public let bucket: String
    public let region: String
    /// `http(s)://HOST[:PORT]`, no path.
    public let endpoint: URL

    public struct Invalid: Error, Equatable {
        /// What is wrong, without echoing the value.
        public let reason: String
    }

    public init(_ text: String) throws(Invalid) {
        guard text.hasPrefix("s3://"), let components = URLComponents(string: text), let bucket = components.host, !bucket.isEmpty else {
            throw Invalid(reason: "must be s3://BUCKET?endpoint=URL&region=REGION")
        }
        guard components.user == nil, components.password == nil else {
            throw Invalid(reason: "must not hold credentials: set STORAGE_ACCESS_KEY_ID and STORAGE_SECRET_ACCESS_KEY")
        }
        guard components.path.isEmpty || components.path == "/", components.port == nil else {
            throw Invalid(reason: "names only a bucket (no port and no path after it)")
        }
        guard (3...63).contains(bucket.count), bucket.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") }),
            bucket.first!.isLetter || bucket.first!.isNumber
        else { throw Invalid(reason: "the bucket name must be 3 to 63 characters of a-z, 0-9, '.' and '-'") }
        var region = "us-east-1"
        var endpoint: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "region": region = item.value ?? ""
            case "endpoint": endpoint = item.value
            default: throw Invalid(reason: "accepts only the parameters endpoint and region (got \(item.name))")
            }
        }
        guard !region.isEmpty, region.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            throw Invalid(reason: "region must be a region name such as us-east-1")
        }
        let endpointText = endpoint ?? "https://s3.\(region).amazonaws.com"
        guard let url = URL(string: endpointText), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil,
            url.path.isEmpty || url.path == "/", url.query == nil, url.user == nil
        else { throw Invalid(reason: "endpoint must be an http(s) URL with a host and no path, such as http://127.0.0.1:9000") }
        self.bucket = bucket
        self.region = region
        self.endpoint = URL(string: endpointText.hasSuffix("/") ? String(endpointText.dropLast()) : endpointText)!
    }

    /// The `Host` header: the endpoint's host, with its port unless it is the scheme's default.
    public var host: String {
        let name = endpoint.host!
        guard let port = endpoint.port, port != (endpoint.scheme == "https" ? 443 : 80) else { return name }
        return "\(name):\(port)"
    }

    public var description: String { "s3://\(bucket)?endpoint=\(endpoint.absoluteString)&region=\(region)" }
}
