import Domain
import Foundation
import StorageAdapters
import Testing

/// The adapter's requests on an S3 server that checks every signature (moto recomputing it with botocore): each kind
/// of request is accepted with the right secret, and refused with a wrong one.
@Suite struct S3SignatureTests {
    @Test func everyKindOfRequestIsAcceptedWithTheRightSecret() async throws {
        guard let server = try S3TestServer.signed() else { throw S3Missing() }
        let storage = server.storage
        let prefix = "signed-\(UUID().uuidString.lowercased().prefix(8))"
        let key = try ObjectKey(prefix + "-object")
        let bytes = pattern(200_000)

        try await storage.ping()
        let stored = try await storage.put(key, chunks: chunks(of: bytes, size: 64 * 1024), length: Int64(bytes.count), contentType: "image/png")
        let whole = try await storage.get(key, range: nil)
        let part = try await storage.get(key, range: .bytes(start: 10, end: 19))
        let tail = try await storage.get(key, range: .suffix(count: 5))
        // A prefix without `/`: moto miscomputes signatures whose query holds one (see scripts/services/s3.sh).
        let listed = try await storage.list(prefix: prefix, after: nil, limit: 10)
        try await storage.delete(key)

        #expect(stored.size == Int64(bytes.count))
        #expect(whole.contentType == "image/png")
        #expect(try await whole.collect() == bytes)
        #expect(try await part.collect() == Array(bytes[10...19]))
        #expect(try await tail.collect() == Array(bytes.suffix(5)))
        #expect(listed.map(\.key) == [key])
        await #expect(throws: ObjectStorageError.notFound(key)) { try await storage.get(key, range: nil) }
    }

    @Test func theServerRefusesRequestsSignedWithAWrongSecret() async throws {
        guard let server = try S3TestServer.signed() else { throw S3Missing() }
        let forged = S3ObjectStorage(
            location: server.location, accessKeyID: server.accessKeyID, secretAccessKey: "not-the-secret", logger: quietLogger)
        let key = try ObjectKey("forged-\(UUID().uuidString.lowercased())")

        let refused = await #expect(throws: ObjectStorageError.self) {
            try await forged.put(key, chunks: chunks(of: pattern(10), size: 10), length: 10, contentType: "text/plain")
        }
        await #expect(throws: ObjectStorageError.self) { try await forged.ping() }

        #expect(refused == .unavailable("PUT answered 403 (SignatureDoesNotMatch)"))
        await #expect(throws: ObjectStorageError.notFound(key)) { try await server.storage.get(key, range: nil) }
    }
}
