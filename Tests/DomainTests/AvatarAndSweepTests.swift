import Domain
import Foundation
import MemoryAdapters
import Synchronization
import TestSupport
import Testing

/// Avatars replace one another without a moment in which the record names a missing object, and the sweep deletes
/// old objects no record refers to, and nothing else.
@Suite struct AvatarAndSweepTests {
    let database = MemoryDatabase()
    let clock = TestClock()
    let storage: MemoryObjectStorage
    let user = principal(number: 1, role: .user)

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 40)
    static let gif: [UInt8] = Array("GIF89a".utf8) + [UInt8](repeating: 9, count: 30)

    init() async throws {
        storage = MemoryObjectStorage(clock: clock)
        try await database.users.insert(user.user)
    }

    var avatars: AvatarService {
        AvatarService(
            avatars: database.avatars, unitOfWork: database, storage: storage, clock: clock, ids: SequentialIDs(), policy: .avatar(maxBytes: 64))
    }

    @Test func aNewAvatarReplacesTheOldOneWhoseObjectIsQueuedForDeletion() async throws {
        let first = try await avatars.set([Self.png].asyncSequence, length: Int64(Self.png.count), by: user)
        #expect(first.contentType == "image/png")
        #expect(try await database.avatars.find(userID: user.user.id) == first)

        let second = try await AvatarService(
            avatars: database.avatars, unitOfWork: database, storage: storage, clock: clock, ids: IDsFrom(100), policy: .avatar(maxBytes: 64)
        ).set([Self.gif].asyncSequence, length: Int64(Self.gif.count), by: user)

        #expect(second.key != first.key)
        #expect(second.sha256 == MemoryObjectStorage.sha256(Self.gif))
        #expect(try await database.avatars.find(userID: user.user.id) == second)
        #expect(try await database.outbox.next(limit: 10).map { $0.payload["keys"] } == [first.key.value])
        let (served, download) = try await avatars.open(userID: user.user.id.uuidString, range: nil)
        #expect(served == second)
        #expect(try await download.collect() == Self.gif)
    }

    @Test func aRefusedAvatarKeepsTheCurrentOne() async throws {
        let current = try await avatars.set([Self.png].asyncSequence, length: Int64(Self.png.count), by: user)
        await #expect(throws: UploadError.unsupportedType(allowed: ["image/png", "image/jpeg", "image/gif", "image/webp"])) {
            _ = try await avatars.set([Array("%PDF-1.4 hi".utf8)].asyncSequence, length: 11, by: user)
        }
        await #expect(throws: UploadError.tooLarge(limit: 64)) { _ = try await avatars.set([Self.png].asyncSequence, length: 65, by: user) }
        #expect(try await database.avatars.find(userID: user.user.id) == current)
        #expect(await storage.keys() == [current.key.value])
    }

    @Test func removingTheAvatarQueuesItsObjectAndASecondRemovalIsNotFound() async throws {
        let current = try await avatars.set([Self.png].asyncSequence, length: Int64(Self.png.count), by: user)
        try await avatars.remove(by: user)
        #expect(try await database.avatars.find(userID: user.user.id) == nil)
        #expect(try await database.outbox.next(limit: 10).map { $0.payload["keys"] } == [current.key.value])
        await #expect(throws: DomainError.notFound(resource: "Avatar")) { try await avatars.remove(by: user) }
        await #expect(throws: DomainError.notFound(resource: "Avatar")) { _ = try await avatars.open(userID: user.user.id.uuidString, range: nil) }
        await #expect(throws: DomainError.notFound(resource: "Avatar")) { _ = try await avatars.open(userID: "not-a-uuid", range: nil) }
    }

    @Test func theSweepDeletesOldUnreferencedObjectsOnly() async throws {
        let kept = try await avatars.set([Self.png].asyncSequence, length: Int64(Self.png.count), by: user)
        let orphan = Avatar.key(userID: user.user.id, upload: UUID())
        try await storage.store(Self.png, at: orphan)
        let abandoned = DirectUpload.key(exampleID: UUID(), id: UUID())
        try await storage.store(Self.png, at: abandoned)
        let unrelated = try ObjectKey("elsewhere/file")
        try await storage.store(Self.png, at: unrelated)
        clock.advance(by: 3600)
        let recentOrphan = Domain.Attachment.key(exampleID: UUID(), id: UUID())
        try await storage.store(Self.png, at: recentOrphan)
        let sweep = OrphanObjectSweep(storage: storage, attachments: database.attachments, avatars: database.avatars, grace: 1800, pageSize: 1)

        let deleted = try await sweep.run(now: clock.now())

        #expect(deleted == 2)
        #expect(await storage.keys() == [unrelated.value, recentOrphan.value, kept.key.value].sorted())
    }

    @Test func theMaintenanceJobRunsTheSweep() async throws {
        try await storage.store(Self.png, at: Avatar.key(userID: user.user.id, upload: UUID()))
        clock.advance(by: 90_000)
        let counts = Counts()
        let handler = MaintenanceHandler(
            sessions: database.sessions, oneTimeTokens: database.oneTimeTokens, jobs: MemoryJobQueue(), clock: clock, schedule: MaintenanceSchedule(),
            orphans: OrphanObjectSweep(storage: storage, attachments: database.attachments, avatars: database.avatars),
            report: { task, deleted in counts.record(task, deleted) })
        let request = Maintenance.request(.sweepOrphanObjects, interval: 3600, now: clock.now())

        try await handler.run(
            Job(
                id: request.id, queue: request.queue, kind: request.kind, payload: request.payload, attempts: 1, createdAt: clock.now(),
                availableAt: clock.now()))

        #expect(counts.values == [.sweepOrphanObjects: 1])
        #expect(await storage.keys().isEmpty)
        #expect(MaintenanceSchedule().requests(now: clock.now()).map(\.kind).contains("maintenance.sweep_orphan_objects"))
    }

    @Test func deletingAUserRemovesTheAvatarRecordAndQueuesItsObject() async throws {
        let admin = principal(number: 9, role: .admin)
        let current = try await avatars.set([Self.png].asyncSequence, length: Int64(Self.png.count), by: user)
        let identity = await IdentityFixture(database: database, clock: clock)
        try await database.users.insert(admin.user)

        try await identity.users.delete(
            id: user.user.id.uuidString, admin, origin: RequestOrigin(clientAddress: "127.0.0.1", userAgent: nil, requestID: "r"))

        #expect(try await database.avatars.referencedKeys(among: [current.key]).isEmpty)
        #expect(try await database.outbox.next(limit: 10).contains { $0.kind == ObjectDeletion.kind && $0.payload["keys"] == current.key.value })
    }
}

/// Ids counting up from `start`.
final class IDsFrom: IDGenerator {
    private let ids: SequentialIDs
    init(_ start: Int) {
        ids = SequentialIDs()
        for _ in 0..<start { _ = ids.makeID() }
    }
    func makeID() -> UUID { ids.makeID() }
}

/// What a maintenance handler reported.
final class Counts: Sendable {
    private let storage = Mutex<[Maintenance.Task: Int]>([:])
    func record(_ task: Maintenance.Task, _ count: Int) { storage.withLock { $0[task, default: 0] += count } }
    var values: [Maintenance.Task: Int] { storage.withLock { $0 } }
}
