import Domain
import Foundation
import MemoryAdapters
import TestSupport
import Testing

/// Attachments on the memory database and a memory object storage: streaming, limits, sniffing, permissions, and no
/// record without its object nor object left behind by a refused upload.
@Suite struct AttachmentServiceTests {
    let database = MemoryDatabase()
    let clock = TestClock()
    let storage: MemoryObjectStorage
    let owner = principal(number: 1, role: .user)
    let stranger = principal(number: 2, role: .user)
    let admin = principal(number: 3, role: .admin)
    let example = Example(
        id: UUID(uuidString: "00000000-0000-7000-8000-0000000000e1")!, ownerID: nil, name: "e", description: nil,
        createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))

    init() async throws {
        storage = MemoryObjectStorage(clock: clock)
        try await database.examples.insert(
            Example(id: example.id, ownerID: owner.user.id, name: "e", description: nil, createdAt: example.createdAt, updatedAt: example.updatedAt))
    }

    func service(maxBytes: Int64 = 1000, presigning: Bool = false) -> AttachmentService {
        AttachmentService(
            examples: database.examples, attachments: database.attachments, unitOfWork: database,
            storage: presigning ? MemoryObjectStorage(clock: clock, presignBase: URL(string: "https://bucket.test")!) : storage, clock: clock,
            ids: SequentialIDs(), policy: .attachment(maxBytes: maxBytes))
    }

    static let pdf = Array("%PDF-1.7\n".utf8) + [UInt8](repeating: 0x42, count: 700)

    @Test func anUploadStreamsInChunksAndRecordsTheSniffedTypeSizeAndDigest() async throws {
        let chunks = stride(from: 0, to: Self.pdf.count, by: 100).map { Array(Self.pdf[$0..<min($0 + 100, Self.pdf.count)]) }
        let attachment = try await service().upload(
            exampleID: example.id.uuidString, filename: "../report.pdf", body: chunks.asyncSequence, length: Int64(Self.pdf.count), by: owner)

        #expect(attachment.filename == "report.pdf")
        #expect(attachment.contentType == "application/pdf")
        #expect(attachment.size == Int64(Self.pdf.count))
        #expect(attachment.sha256 == MemoryObjectStorage.sha256(Self.pdf))
        #expect(await storage.objects[attachment.key]?.bytes == Self.pdf)
        #expect(await storage.objects[attachment.key]?.contentType == "application/pdf")
        #expect(try await service().list(exampleID: example.id.uuidString) == [attachment])
        let (found, download) = try await service().open(exampleID: example.id.uuidString, id: attachment.id.uuidString, range: .suffix(count: 3))
        #expect(found == attachment)
        #expect(try await download.collect() == [0x42, 0x42, 0x42])
    }

    @Test func aDeclaredLengthOverTheLimitIsRefusedBeforeAnyByteIsRead() async throws {
        let body = ThrowingChunks()  // reading it would fail the test with another error
        await #expect(throws: UploadError.tooLarge(limit: 1000)) {
            _ = try await service().upload(exampleID: example.id.uuidString, filename: "a.pdf", body: body, length: 1001, by: owner)
        }
        #expect(await storage.keys().isEmpty)
    }

    @Test func bytesOfAKindNotAllowedAreRefusedAndNothingIsKept() async throws {
        let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46] + [UInt8](repeating: 0, count: 60)
        await #expect(throws: UploadError.unsupportedType(allowed: UploadPolicy.attachment().allowed.map(\.contentType))) {
            _ = try await service().upload(exampleID: example.id.uuidString, filename: "a.pdf", body: [elf].asyncSequence, length: 64, by: owner)
        }
        #expect(await storage.keys().isEmpty)
        #expect(try await database.attachments.list(exampleID: example.id).isEmpty)
    }

    @Test func aBodyShorterThanItsLengthOrFailingMidwayLeavesNothing() async throws {
        await #expect(throws: UploadError.unreadable) {
            _ = try await service().upload(
                exampleID: example.id.uuidString, filename: "a.pdf", body: [Self.pdf].asyncSequence, length: Int64(Self.pdf.count + 5), by: owner)
        }
        await #expect(throws: UploadError.unreadable) {
            _ = try await service().upload(
                exampleID: example.id.uuidString, filename: "a.pdf", body: ThrowingChunks(first: Self.pdf), length: 900, by: owner)
        }
        #expect(await storage.keys().isEmpty)
        #expect(try await database.attachments.list(exampleID: example.id).isEmpty)
    }

    @Test func onlyTheOwnerOrAnAdministratorMayAddOrDelete() async throws {
        await #expect(throws: DomainError.notFound(resource: "Example")) {
            _ = try await service().upload(
                exampleID: example.id.uuidString, filename: "a.txt", body: [Array("hi".utf8)].asyncSequence, length: 2, by: stranger)
        }
        let added = try await service().upload(
            exampleID: example.id.uuidString, filename: "a.txt", body: [Array("hi".utf8)].asyncSequence, length: 2, by: admin)
        await #expect(throws: DomainError.notFound(resource: "Example")) {
            try await service().delete(exampleID: example.id.uuidString, id: added.id.uuidString, by: stranger)
        }
        try await service().delete(exampleID: example.id.uuidString, id: added.id.uuidString, by: owner)
        #expect(try await database.attachments.list(exampleID: example.id).isEmpty)
        // The object goes by a job, queued with the deletion of the record.
        let queued = try await database.outbox.next(limit: 10)
        #expect(queued.map(\.kind) == [ObjectDeletion.kind])
        #expect(queued.first?.payload["keys"] == added.key.value)
        #expect(await storage.keys() == [added.key.value])
    }

    @Test func deletingTheExampleDeletesItsAttachmentsAndQueuesTheirObjects() async throws {
        let service = service()
        let first = try await service.upload(
            exampleID: example.id.uuidString, filename: "a.txt", body: [Array("one".utf8)].asyncSequence, length: 3, by: owner)
        clock.advance(by: 1)
        let second = try await service.upload(
            exampleID: example.id.uuidString, filename: "b.txt", body: [Array("two".utf8)].asyncSequence, length: 3, by: owner)
        let examples = ExampleService(repository: database.examples, unitOfWork: database, clock: clock, ids: SequentialIDs())

        try await examples.delete(id: example.id.uuidString, by: owner)

        #expect(try await database.attachments.list(exampleID: example.id).isEmpty)
        // Beside the example's own `example.deleted` event, one job deletes its objects.
        let queued = try await database.outbox.next(limit: 10)
        #expect(queued.filter { $0.kind == ObjectDeletion.kind }.count == 1)
        let request = try #require(queued.first { $0.kind == ObjectDeletion.kind })
        #expect(request.payload["keys"] == "\(first.key.value)\n\(second.key.value)")
        try await ObjectDeletionHandler(storage: storage).run(
            Job(
                id: request.id, queue: request.queue, kind: request.kind, payload: request.payload, attempts: 1, createdAt: clock.now(),
                availableAt: clock.now()))
        #expect(await storage.keys().isEmpty)
        await #expect(throws: DomainError.notFound(resource: "Example")) { _ = try await service.list(exampleID: example.id.uuidString) }
    }

    @Test func directUploadsNeedStorageThatPresigns() async throws {
        await #expect(throws: UploadError.directUploadUnsupported) {
            _ = try await service().beginDirectUpload(exampleID: example.id.uuidString, contentType: "application/pdf", by: owner)
        }
        await #expect(throws: UploadError.self) {
            _ = try await service(presigning: true).beginDirectUpload(exampleID: example.id.uuidString, contentType: "text/html", by: owner)
        }
    }
}

/// Chunks that fail: after `first` when given, at once otherwise.
struct ThrowingChunks: AsyncSequence, Sendable {
    var first: [UInt8]?

    struct AsyncIterator: AsyncIteratorProtocol {
        var first: [UInt8]?

        mutating func next() async throws -> [UInt8]? {
            if let chunk = first {
                first = nil
                return chunk
            }
            throw TestFailure("the body broke off")
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(first: first) }
}
