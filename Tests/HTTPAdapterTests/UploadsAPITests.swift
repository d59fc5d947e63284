import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// The upload routes on a memory database and memory object storage: avatars and example attachments, limits,
/// sniffing, ranges, headers and permissions.
@Suite struct UploadsAPITests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<200).map { UInt8($0) }
    static let pdf: [UInt8] = Array("%PDF-1.7\n".utf8) + (0..<1000).map { UInt8($0 % 251) }

    func app(storage: MemoryObjectStorage, maxAttachment: Int64 = 4096, maxAvatar: Int64 = 1024) -> TestApp {
        var app = TestApp()
        app.storage = storage
        app.attachmentPolicy = .attachment(maxBytes: maxAttachment)
        app.avatarPolicy = .avatar(maxBytes: maxAvatar)
        return app
    }

    @Test func anAvatarIsStoredServedWithItsHeadersAndShownNowhereElseOnceRemoved() async throws {
        let storage = MemoryObjectStorage(clock: TestClock())
        try await app(storage: storage).test { client, identity in
            let auth = try await identity.bearer()
            let put = try await client.execute(
                uri: "/api/v1/users/me/avatar", method: .put, headers: auth.adding([.contentType: "image/gif"]), body: ByteBuffer(bytes: Self.png))
            #expect(put.status == .ok)
            let data = try #require(put.object["data"] as? [String: Any])
            #expect(data["contentType"] as? String == "image/png", "sniffed, whatever the client said")
            #expect(data["size"] as? Int == Self.png.count)
            let url = try #require(data["url"] as? String)

            let served = try await client.get(url)
            #expect(served.status == .ok)
            #expect(Array(buffer: served.body) == Self.png)
            #expect(served.headers[.contentType] == "image/png")
            #expect(served.headers[.contentLength] == String(Self.png.count))
            #expect(served.headers[.eTag] == "\"\(MemoryObjectStorage.sha256(Self.png))\"")
            #expect(served.headers[.xContentTypeOptions] == "nosniff")
            #expect(served.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true)
            #expect(served.headers[.contentDisposition] == "inline; filename=\"avatar.png\"; filename*=UTF-8''avatar.png")
            #expect(try await client.get("/api/v1/users/me/avatar", headers: auth).status == .ok)
            let me = try await client.get("/api/v1/users/me", headers: auth)
            #expect((me.object["data"] as? [String: Any])?["avatarUrl"] as? String == url, "the user body names the picture")

            let range = try await client.get(url, headers: [.range: "bytes=8-11"])
            #expect(range.status == .partialContent)
            #expect(Array(buffer: range.body) == [0, 1, 2, 3])
            #expect(range.headers[.contentRange] == "bytes 8-11/\(Self.png.count)")
            let beyond = try await client.get(url, headers: [.range: "bytes=5000-"])
            #expect(beyond.status == .rangeNotSatisfiable)
            #expect(beyond.headers[.contentRange] == "bytes */\(Self.png.count)")

            #expect(try await client.execute(uri: "/api/v1/users/me/avatar", method: .delete, headers: auth).status == .ok)
            #expect(try await client.get(url).status == .notFound)
            let after = try await client.get("/api/v1/users/me", headers: auth)
            #expect((after.object["data"] as? [String: Any])?["avatarUrl"] is NSNull)
            #expect(try await client.execute(uri: "/api/v1/users/me/avatar", method: .delete, headers: auth).status == .notFound)
        }
    }

    @Test func avatarsThatAreTooLargeOrNotImagesAreRefusedWithTheEnvelope() async throws {
        let storage = MemoryObjectStorage(clock: TestClock())
        try await app(storage: storage, maxAvatar: 100).test { client, identity in
            let auth = try await identity.bearer()
            let declared = try await client.execute(
                uri: "/api/v1/users/me/avatar", method: .put, headers: auth.adding([.contentLength: "101"]),
                body: ByteBuffer(bytes: Self.png.prefix(101)))
            #expect(declared.status == .contentTooLarge)
            #expect(declared.object["success"] as? Bool == false)
            let chunked = try await client.execute(uri: "/api/v1/users/me/avatar", method: .put, headers: auth, body: ByteBuffer(bytes: Self.png))
            #expect(chunked.status == .contentTooLarge)
            let pdf = try await client.execute(
                uri: "/api/v1/users/me/avatar", method: .put, headers: auth.adding([.contentType: "image/png"]),
                body: ByteBuffer(bytes: Self.pdf.prefix(50)))
            #expect(pdf.status == .unsupportedMediaType)
            #expect(pdf.object["message"] as? String == "File type not allowed; allowed: image/png, image/jpeg, image/gif, image/webp")
            let empty = try await client.execute(uri: "/api/v1/users/me/avatar", method: .put, headers: auth, body: ByteBuffer())
            #expect(empty.status == .badRequest)
            let anonymous = try await client.execute(uri: "/api/v1/users/me/avatar", method: .put, body: ByteBuffer(bytes: Self.png.prefix(50)))
            #expect(anonymous.status == .unauthorized)
            #expect(await storage.keys().isEmpty)
        }
    }

    @Test func attachmentsAreUploadedListedDownloadedAndDeletedByTheOwner() async throws {
        let storage = MemoryObjectStorage(clock: TestClock())
        try await app(storage: storage).test { client, identity in
            let auth = try await identity.bearer()
            let other = try await identity.bearer("other@example.com")
            let exampleID = try await Self.createExample(client, auth)
            let base = "/api/v1/examples/\(exampleID)/attachments"

            let upload = try await client.execute(
                uri: "\(base)?filename=%22Q3%22%20r%C3%A9port.pdf", method: .post, headers: auth.adding([.contentType: "text/html"]),
                body: ByteBuffer(bytes: Self.pdf))
            #expect(upload.status == .created)
            let created = try #require(upload.object["data"] as? [String: Any])
            #expect(created["contentType"] as? String == "application/pdf")
            #expect(created["filename"] as? String == "\"Q3\" réport.pdf")
            #expect(created["size"] as? Int == Self.pdf.count)
            #expect(created["sha256"] as? String == MemoryObjectStorage.sha256(Self.pdf))
            let url = try #require(created["url"] as? String)
            #expect(upload.headers[.location] == url)

            let list = try await client.get(base)
            #expect(list.status == .ok)
            #expect((list.object["data"] as? [[String: Any]])?.compactMap { $0["url"] as? String } == [url])

            let download = try await client.get(url)
            #expect(download.status == .ok)
            #expect(Array(buffer: download.body) == Self.pdf)
            #expect(download.headers[.contentType] == "application/pdf")
            #expect(download.headers[.contentDisposition] == "attachment; filename=\"_Q3_ r_port.pdf\"; filename*=UTF-8''%22Q3%22%20r%C3%A9port.pdf")
            #expect(download.headers[.acceptRanges] == "bytes")
            let suffix = try await client.get(url, headers: [.range: "bytes=-4"])
            #expect(suffix.status == .partialContent)
            #expect(Array(buffer: suffix.body) == Array(Self.pdf.suffix(4)))

            // Readers of the example read its attachments; only the owner (or an administrator) changes them.
            #expect(try await client.get(url, headers: other).status == .ok)
            let foreign = try await client.execute(uri: "\(base)?filename=x.pdf", method: .post, headers: other, body: ByteBuffer(bytes: Self.pdf))
            #expect(foreign.status == .notFound)
            #expect(try await client.execute(uri: url, method: .delete, headers: other).status == .notFound)
            #expect(try await client.execute(uri: url, method: .delete).status == .unauthorized)

            #expect(try await client.execute(uri: url, method: .delete, headers: auth).status == .ok)
            #expect(try await client.get(url).status == .notFound)
            #expect((try await client.get(base).object["data"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func badAttachmentUploadsGetClearErrorsAndStoreNothing() async throws {
        let storage = MemoryObjectStorage(clock: TestClock())
        try await app(storage: storage, maxAttachment: 500).test { client, identity in
            let auth = try await identity.bearer()
            let exampleID = try await Self.createExample(client, auth)
            let base = "/api/v1/examples/\(exampleID)/attachments"
            let text = ByteBuffer(string: "plain notes\n")

            let tooLarge = try await client.execute(
                uri: "\(base)?filename=a.pdf", method: .post, headers: auth.adding([.contentLength: "501"]),
                body: ByteBuffer(bytes: Self.pdf.prefix(501)))
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.object["message"] as? String == "File is larger than the limit of 500 bytes")
            let chunked = try await client.execute(uri: "\(base)?filename=a.pdf", method: .post, headers: auth, body: ByteBuffer(bytes: Self.pdf))
            #expect(chunked.status == .contentTooLarge)
            let binary = try await client.execute(
                uri: "\(base)?filename=a.exe", method: .post, headers: auth, body: ByteBuffer(bytes: [0x4D, 0x5A, 0x90, 0x00, 0x03]))
            #expect(binary.status == .unsupportedMediaType)
            let unnamed = try await client.execute(uri: base, method: .post, headers: auth, body: text)
            #expect(unnamed.status == .badRequest)
            #expect(unnamed.fieldErrors == ["filename: filename is required"])
            let control = try await client.execute(uri: "\(base)?filename=a%0Ab.txt", method: .post, headers: auth, body: text)
            #expect(control.status == .badRequest)
            let missing = try await client.execute(
                uri: "/api/v1/examples/00000000-0000-7000-8000-00000000ffff/attachments?filename=a.txt", method: .post, headers: auth, body: text)
            #expect(missing.status == .notFound)
            #expect(try await client.get("/api/v1/examples/not-an-id/attachments").status == .notFound)
            #expect(try await client.get("\(base)/not-an-id").status == .notFound)
            #expect(await storage.keys().isEmpty)

            let direct = try await client.send(.post, "\(base)/uploads", json: #"{"contentType":"application/pdf"}"#, headers: auth)
            #expect(direct.status == .conflict)
            #expect(direct.object["message"] as? String == "Direct uploads need S3 storage; upload through the API instead")
        }
    }

    @Test func directUploadsArePresignedThenCheckedCopiedAndRecorded() async throws {
        let clock = TestClock()
        let storage = MemoryObjectStorage(clock: clock, presignBase: URL(string: "https://bucket.test")!)
        try await app(storage: storage, maxAttachment: 2000).test { client, identity in
            let auth = try await identity.bearer()
            let exampleID = try await Self.createExample(client, auth)
            let base = "/api/v1/examples/\(exampleID)/attachments"

            let begun = try await client.send(.post, "\(base)/uploads", json: #"{"contentType":"application/pdf"}"#, headers: auth)
            #expect(begun.status == .created)
            let data = try #require(begun.object["data"] as? [String: Any])
            let uploadID = try #require(data["uploadId"] as? String)
            #expect(data["method"] as? String == "PUT")
            #expect((data["headers"] as? [String: String]) == ["Content-Type": "application/pdf"])
            #expect(data["maxSize"] as? Int == 2000)
            let key = try ObjectKey("uploads/\(exampleID)/\(uploadID)")
            #expect((data["url"] as? String)?.hasPrefix("https://bucket.test/\(key.value)?") == true)

            let early = try await client.send(.post, "\(base)/uploads/\(uploadID)/complete", json: #"{"filename":"a.pdf"}"#, headers: auth)
            #expect(early.status == .notFound, "nothing uploaded yet")
            try await storage.store(Self.pdf, at: key, contentType: "application/pdf")
            let completed = try await client.send(.post, "\(base)/uploads/\(uploadID)/complete", json: #"{"filename":"a.pdf"}"#, headers: auth)
            #expect(completed.status == .created)
            let attachment = try #require(completed.object["data"] as? [String: Any])
            #expect(attachment["id"] as? String == uploadID)
            #expect(attachment["sha256"] as? String == MemoryObjectStorage.sha256(Self.pdf))
            #expect(await storage.keys() == ["attachments/\(exampleID)/\(uploadID)"], "copied to its own key, the upload removed")
            let again = try await client.send(.post, "\(base)/uploads/\(uploadID)/complete", json: #"{"filename":"a.pdf"}"#, headers: auth)
            #expect(again.status == .conflict)

            // An upload of a forbidden kind is refused at completion and deleted.
            let second = try await client.send(.post, "\(base)/uploads", json: #"{"contentType":"image/png"}"#, headers: auth)
            let secondID = try #require((second.object["data"] as? [String: Any])?["uploadId"] as? String)
            try await storage.store([0x4D, 0x5A, 0x90, 0x00], at: try ObjectKey("uploads/\(exampleID)/\(secondID)"))
            let refused = try await client.send(.post, "\(base)/uploads/\(secondID)/complete", json: #"{"filename":"b.png"}"#, headers: auth)
            #expect(refused.status == .unsupportedMediaType)
            #expect(await storage.keys(under: "uploads/").isEmpty)
            let wrongType = try await client.send(.post, "\(base)/uploads", json: #"{"contentType":"text/html"}"#, headers: auth)
            #expect(wrongType.status == .unsupportedMediaType)
            let extra = try await client.send(.post, "\(base)/uploads", json: #"{"contentType":"image/png","size":1}"#, headers: auth)
            #expect(extra.status == .badRequest)
        }
    }

    @Test func withoutStorageTheUploadRoutesAnswer503() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            let response = try await client.execute(uri: "/api/v1/users/me/avatar", method: .put, headers: auth, body: ByteBuffer(bytes: Self.png))
            #expect(response.status == .serviceUnavailable)
        }
    }

    static func createExample(_ client: some TestClientProtocol, _ auth: HTTPFields) async throws -> String {
        let created = try await client.send(.post, "/api/v1/examples", json: #"{"name":"Quay"}"#, headers: auth)
        let data = try #require(created.object["data"] as? [String: Any])
        return try #require(data["id"] as? String)
    }
}
