import AsyncHTTPClient
import Domain
import Foundation
import NIOCore
import StorageAdapters
import Testing

/// Presigned URLs, used by a plain HTTP client that holds no credentials, and what the S3 server makes of signatures.
@Suite struct S3PresignedURLTests {
    @Test func aPresignedPUTUploadsAndAPresignedGETDownloadsWithoutCredentials() async throws {
        guard let server = try S3TestServer.current() else { throw S3Missing() }
        let key = try ObjectKey("presigned/\(UUID().uuidString.lowercased()).txt")
        let body = Array("uploaded straight to the bucket".utf8)

        let putURL = try server.storage.presignedURL(for: .put, key: key, expiresIn: 300, contentType: "text/plain", now: Date())
        var put = HTTPClientRequest(url: putURL.absoluteString)
        put.method = .PUT
        put.headers.add(name: "Content-Type", value: "text/plain")
        put.body = .bytes(ByteBuffer(bytes: body))
        let uploaded = try await HTTPClient.shared.execute(put, timeout: .seconds(30))
        let getURL = try server.storage.presignedURL(for: .get, key: key, expiresIn: 300, contentType: nil, now: Date())
        let downloaded = try await HTTPClient.shared.execute(HTTPClientRequest(url: getURL.absoluteString), timeout: .seconds(30))
        let downloadedBody = try await downloaded.body.collect(upTo: 1024 * 1024)

        #expect(uploaded.status == .ok)
        #expect(downloaded.status == .ok)
        #expect(Array(buffer: downloadedBody) == body)
        #expect(try await server.storage.get(key, range: nil).contentType == "text/plain")
        #expect(putURL.query?.contains("X-Amz-SignedHeaders=content-type%3Bhost") == true)
        #expect(getURL.query?.contains("X-Amz-Expires=300") == true)
        try await server.storage.delete(key)
    }

    @Test func presignedURLsLastFromOneSecondToSevenDays() throws {
        guard let server = try S3TestServer.current() else { throw S3Missing() }
        let key = try ObjectKey("presigned/bounds")

        for expires in [0, -1, 604_801] {
            #expect(throws: ObjectStorageError.self, "\(expires)") {
                try server.storage.presignedURL(for: .get, key: key, expiresIn: expires, contentType: nil, now: Date())
            }
        }
        #expect(try server.storage.presignedURL(for: .get, key: key, expiresIn: 604_800, contentType: nil, now: Date()).query != nil)
    }

    @Test func theReadinessCheckAnswersForTheBucketAndFailsForAMissingOne() async throws {
        guard let server = try S3TestServer.current() else { throw S3Missing() }
        let missing = S3ObjectStorage(
            location: try S3Location("s3://no-such-bucket-\(UUID().uuidString.lowercased().prefix(8))?endpoint=\(server.location.endpoint)"),
            accessKeyID: "x", secretAccessKey: "y", logger: quietLogger)

        try await server.storage.ping()
        await #expect(throws: ObjectStorageError.self) { try await missing.ping() }
    }
}
