import AsyncHTTPClient
import Crypto
import Domain
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

extension S3ObjectStorage: DependencyCheck {
    public var name: String { "storage" }

    /// HEAD on the bucket: the endpoint answers, the credentials are accepted and the bucket exists.
    public func ping() async throws {
        let response = try await send("HEAD", path: path(nil), timeout: timeout)
        guard response.status == .ok else { throw ObjectStorageError.unavailable("HEAD bucket answered \(response.status.code)") }
    }

    public func list(prefix: String, after: ObjectKey?, limit: Int) async throws -> [ObjectSummary] {
        guard ObjectKey.isValidPrefix(prefix) else { throw ObjectStorageError.invalidKey("the prefix may contain only key characters") }
        guard limit > 0 else { return [] }
        var query = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(min(limit, 1000)))]
        if let after { query.append(("start-after", after.value)) }
        let response = try await send("GET", path: path(nil), query: query, timeout: timeout)
        guard response.status == .ok else { throw try await failure(response, "ListObjectsV2") }
        let xml = String(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024))
        return ListBucketResult.objects(in: xml)
    }

    /// Signs and sends one request to the bucket.
    func send(
        _ method: String, path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
        payloadHash: String = SigV4Signer.emptyPayloadHash, body: HTTPClientRequest.Body? = nil, timeout: TimeAmount
    ) async throws -> HTTPClientResponse {
        let queryString = SigV4Signer.canonicalQuery(query)
        var request = HTTPClientRequest(url: location.endpoint.absoluteString + path + (queryString.isEmpty ? "" : "?\(queryString)"))
        request.method = HTTPMethod(rawValue: method)
        // Content-Length is the body's to set; the signature covers the host and the headers that carry meaning.
        let signed = [("host", location.host)] + headers.filter { $0.0.lowercased() != "content-length" }
        let authorization = signer.authorizationHeaders(
            method: method, path: path, query: query, headers: signed, payloadHash: payloadHash, date: Date())
        for (name, value) in signed + authorization { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = body
        do {
            return try await client.execute(request, timeout: timeout, logger: logger)
        } catch let error as ObjectStorageError {
            throw error
        } catch {
            throw ObjectStorageError.unavailable("\(method) to the storage endpoint failed: \(error)")
        }
    }

    /// The error for an unexpected answer: S3's error code and status, never the credentials.
    func failure(_ response: HTTPClientResponse, _ operation: String) async throws -> ObjectStorageError {
        let text = String(buffer: (try? await response.body.collect(upTo: 64 * 1024)) ?? ByteBuffer())
        let code = ListBucketResult.element("Code", in: text) ?? "no error code"
        return .unavailable("\(operation) answered \(response.status.code) (\(code))")
    }
}

/// The few elements of S3's XML answers that Portside reads. Keys it cannot accept as `ObjectKey`s are left out.
enum ListBucketResult {
    static func objects(in xml: String) -> [ObjectSummary] {
        xml.components(separatedBy: "<Contents>").dropFirst().compactMap { block in
            guard let name = element("Key", in: block), let key = try? ObjectKey(name) else { return nil }
            let size = element("Size", in: block).flatMap { Int64($0) } ?? 0
            let modified = element("LastModified", in: block).flatMap(date) ?? Date(timeIntervalSince1970: 0)
            return ObjectSummary(key: key, size: size, lastModified: modified)
        }
    }

    static func element(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: "<\(name)>"), let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex) else {
            return nil
        }
        return String(text[start.upperBound..<end.lowerBound])
    }

    static func date(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) ?? (try? Date(text, strategy: .iso8601))
    }
}

/// What an upload's body saw: its byte count, its SHA-256, and the error that ended it early.
final class UploadTally: Sendable {
    private let state = Mutex<(hasher: SHA256, thrown: (any Error)?)>((SHA256(), nil))

    var failure: (any Error)? { state.withLock { $0.thrown } }
    var digest: String { SigV4Signer.hex(state.withLock { $0.hasher.finalize() }) }

    func add(_ chunk: [UInt8]) { state.withLock { $0.hasher.update(data: chunk) } }
    func fail(_ error: any Error) { state.withLock { $0.thrown = $0.thrown ?? error } }
}

/// The chunks of a put as the HTTP client sends them: counted against the expected length and hashed on the way.
struct UploadBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == [UInt8] {
    typealias Element = ByteBuffer
    let base: Base
    let expected: Int64
    let tally: UploadTally

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let expected: Int64
        let tally: UploadTally
        var received: Int64 = 0

        mutating func next() async throws -> ByteBuffer? {
            do {
                guard let chunk = try await base.next() else {
                    guard received == expected else { throw ObjectStorageError.lengthMismatch(expected: expected, received: received) }
                    return nil
                }
                try count(chunk)
                if received == expected {
                    // The server stores the object as soon as the last byte of Content-Length arrives, so a source with
                    // more to give must fail before that byte is sent: look one chunk ahead.
                    while let extra = try await base.next() {
                        try count(extra)
                    }
                }
                tally.add(chunk)
                return ByteBuffer(bytes: chunk)
            } catch {
                tally.fail(error)
                throw error
            }
        }

        private mutating func count(_ chunk: [UInt8]) throws(ObjectStorageError) {
            received += Int64(chunk.count)
            guard received <= expected else { throw ObjectStorageError.lengthMismatch(expected: expected, received: received) }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), expected: expected, tally: tally)
    }
}
