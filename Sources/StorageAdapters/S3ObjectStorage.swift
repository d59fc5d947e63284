import AsyncHTTPClient
import Crypto
import Domain
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// `ObjectStorage` on an S3-compatible bucket (`STORAGE_URL=s3://BUCKET?endpoint=...&region=...`), over
/// async-http-client with requests signed by `SigV4Signer`. Path-style addressing.
///
/// Uploads stream: the body is sent as the chunks arrive with `Content-Length` set to the expected length and the
/// payload unsigned (`UNSIGNED-PAYLOAD`, so nothing is read twice or buffered), and S3 stores an object only when the
/// whole body arrived, so a failed or short upload leaves the previous object, or none. Downloads stream the response
/// body. Presigned URLs are query-string SigV4 with `X-Amz-Expires` (at most 7 days).
public struct S3ObjectStorage: ObjectStorage {
    let location: S3Location
    let signer: SigV4Signer
    let client: HTTPClient
    let logger: Logger
    /// For requests whose answer is small (delete, list, the readiness check).
    let timeout: TimeAmount
    /// For uploads and downloads, which last as long as their bytes take.
    let transferTimeout: TimeAmount

    public init(
        location: S3Location, accessKeyID: String, secretAccessKey: String, client: HTTPClient = .shared, logger: Logger,
        timeout: TimeAmount = .seconds(30), transferTimeout: TimeAmount = .hours(1)
    ) {
        self.location = location
        self.signer = SigV4Signer(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, region: location.region)
        self.client = client
        self.logger = logger
        self.timeout = timeout
        self.transferTimeout = transferTimeout
    }

    /// `/BUCKET/KEY`: keys hold only unreserved characters and `/`, so they need no encoding.
    func path(_ key: ObjectKey?) -> String {
        key.map { "/\(location.bucket)/\(SigV4Signer.encode($0.value, keepSlash: true))" } ?? "/\(location.bucket)"
    }

    public func put<Chunks: AsyncSequence & Sendable>(
        _ key: ObjectKey, chunks: Chunks, length: Int64, contentType: String
    ) async throws -> StoredObject where Chunks.Element == [UInt8] {
        try ObjectKey.checkContentType(contentType)
        guard length >= 0 else { throw ObjectStorageError.lengthMismatch(expected: length, received: 0) }
        let tally = UploadTally()
        let body = UploadBody(base: chunks, expected: length, tally: tally)
        let response: HTTPClientResponse
        do {
            response = try await send(
                "PUT", path: path(key), headers: [("Content-Type", contentType), ("Content-Length", String(length))],
                payloadHash: SigV4Signer.unsignedPayload, body: .stream(body, length: .known(length)), timeout: transferTimeout)
        } catch {
            // The chunks' own failure (or a wrong length) says more than the aborted request it caused.
            throw tally.failure ?? error
        }
        if let failure = tally.failure { throw failure }
        guard response.status == .ok else { throw try await failure(response, "PUT") }
        return StoredObject(key: key, size: length, sha256: tally.digest)
    }

    public func get(_ key: ObjectKey, range: ObjectRange?) async throws -> ObjectDownload {
        var headers: [(String, String)] = []
        switch range {
        case .bytes(let start, let end)?: headers.append(("Range", "bytes=\(start)-\(end.map(String.init) ?? "")"))
        case .suffix(let count)?:
            // S3 answers an empty object's suffix range with the whole (empty) object instead of 416.
            guard count > 0 else { throw ObjectStorageError.invalidRange(size: try await size(of: key)) }
            headers.append(("Range", "bytes=-\(count)"))
        case nil: break
        }
        let response = try await send("GET", path: path(key), headers: headers, timeout: transferTimeout)
        switch response.status {
        case .ok, .partialContent: break
        case .notFound: throw ObjectStorageError.notFound(key)
        case .rangeNotSatisfiable: throw ObjectStorageError.invalidRange(size: try await size(of: key))
        default: throw try await failure(response, "GET")
        }
        let contentType = response.headers.first(name: "content-type") ?? "application/octet-stream"
        let length = Int64(response.headers.first(name: "content-length") ?? "") ?? 0
        let size: Int64
        let selected: ClosedRange<Int64>?
        if response.status == .partialContent, let served = Self.contentRange(response.headers.first(name: "content-range")) {
            (selected, size) = (served.range, served.size)
        } else {
            size = length
            selected = length > 0 ? 0...(length - 1) : nil
            if let range, range.resolved(size: size) == nil { throw ObjectStorageError.invalidRange(size: size) }
        }
        let body = response.body
        return ObjectDownload(
            size: size, contentType: contentType, range: selected,
            chunks: ObjectChunks {
                var iterator = body.makeAsyncIterator()
                return { try await iterator.next().map { Array(buffer: $0) } }
            })
    }

    public func delete(_ key: ObjectKey) async throws {
        let response = try await send("DELETE", path: path(key), timeout: timeout)
        // S3 answers 204 whether or not the key existed.
        guard response.status == .noContent || response.status == .ok || response.status == .notFound else {
            throw try await failure(response, "DELETE")
        }
    }

    public func presignedURL(for method: PresignedMethod, key: ObjectKey, expiresIn: Int, contentType: String?, now: Date) throws -> URL {
        guard (1...604_800).contains(expiresIn) else { throw ObjectStorageError.unsupported("presigned URLs last from 1 second to 7 days") }
        var headers = [("host", location.host)]
        if let contentType {
            try ObjectKey.checkContentType(contentType)
            headers.append(("content-type", contentType))
        }
        let query = signer.presignedQuery(method: method.rawValue, path: path(key), headers: headers, expires: expiresIn, date: now)
        return URL(string: "\(location.endpoint.absoluteString)\(path(key))?\(query)")!
    }

    /// The size of the object under `key` (HEAD), for the error of a range past its end.
    func size(of key: ObjectKey) async throws -> Int64 {
        let response = try await send("HEAD", path: path(key), timeout: timeout)
        guard response.status == .ok else {
            if response.status == .notFound { throw ObjectStorageError.notFound(key) }
            throw try await failure(response, "HEAD")
        }
        return Int64(response.headers.first(name: "content-length") ?? "") ?? 0
    }

    /// `bytes START-END/SIZE` taken apart.
    static func contentRange(_ header: String?) -> (range: ClosedRange<Int64>, size: Int64)? {
        guard let header, header.hasPrefix("bytes ") else { return nil }
        let parts = header.dropFirst(6).split(separator: "/")
        guard parts.count == 2, let size = Int64(parts[1]) else { return nil }
        let bounds = parts[0].split(separator: "-")
        guard bounds.count == 2, let start = Int64(bounds[0]), let end = Int64(bounds[1]), start <= end else { return nil }
        return (start...end, size)
    }
}
