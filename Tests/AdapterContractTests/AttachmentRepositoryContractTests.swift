import Domain
import Foundation
import Testing

/// The contract every `AttachmentRepository` and `AvatarRepository` adapter keeps: same tests, every engine.
@Suite struct AttachmentRepositoryContractTests {
    @Test(arguments: StoreKind.allCases)
    func attachmentsAreFoundExactlyAsStoredAndListedOldestFirst(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1))
            try await store.examples.insert(example(2))
            let later = attachment(11, of: 1, name: "ünïcödé \"quoted\".pdf", at: 2_000)
            let earlier = attachment(12, of: 1, at: 1_000)
            let other = attachment(13, of: 2, at: 500)
            for item in [later, earlier, other] { try await store.attachments.insert(item) }

            #expect(try await store.attachments.find(id: later.id, exampleID: uuid(1)) == later)
            #expect(try await store.attachments.find(id: later.id, exampleID: uuid(2)) == nil, "only under its own example")
            #expect(try await store.attachments.list(exampleID: uuid(1)) == [earlier, later])
            #expect(try await store.attachments.list(exampleID: uuid(3)) == [])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aSecondRecordWithTheSameIdIsAConflict(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1))
            try await store.attachments.insert(attachment(11, of: 1))
            await #expect(throws: DomainError.conflict("Attachment already exists")) {
                try await store.attachments.insert(attachment(11, of: 1, name: "again.pdf"))
            }
            #expect(try await store.attachments.list(exampleID: uuid(1)).map(\.filename) == ["file-11.pdf"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deletesReturnWhatTheyRemoved(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1))
            try await store.examples.insert(example(2))
            let (a, b, c) = (attachment(11, of: 1, at: 1), attachment(12, of: 1, at: 2), attachment(13, of: 2, at: 3))
            for item in [a, b, c] { try await store.attachments.insert(item) }

            #expect(try await store.attachments.delete(id: a.id, exampleID: uuid(2)) == nil)
            #expect(try await store.attachments.delete(id: a.id, exampleID: uuid(1)) == a)
            #expect(try await store.attachments.delete(id: a.id, exampleID: uuid(1)) == nil)
            try await store.attachments.insert(attachment(14, of: 1, at: 4))
            #expect(try await store.attachments.deleteAll(exampleID: uuid(1)).map(\.id) == [b.id, uuid(14)])
            #expect(try await store.attachments.list(exampleID: uuid(1)) == [])
            #expect(try await store.attachments.list(exampleID: uuid(2)) == [c])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func referencedKeysAreThoseAnAttachmentNames(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.examples.insert(example(1))
            let stored = attachment(11, of: 1)
            try await store.attachments.insert(stored)
            let unknown = Domain.Attachment.key(exampleID: uuid(1), id: uuid(99))

            #expect(try await store.attachments.referencedKeys(among: [stored.key, unknown]) == [stored.key])
            #expect(try await store.attachments.referencedKeys(among: []) == [])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func avatarsAreReplacedReturningThePreviousOne(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.users.insert(user(1))
            let first = avatar(1, upload: 21, at: 1_000)
            let second = avatar(1, upload: 22, at: 2_000)

            #expect(try await store.avatars.find(userID: uuid(1)) == nil)
            #expect(try await store.avatars.replace(userID: uuid(1), with: first) == .replaced(previous: nil))
            #expect(try await store.avatars.find(userID: uuid(1)) == first)
            #expect(try await store.avatars.replace(userID: uuid(1), with: second) == .replaced(previous: first))
            #expect(try await store.avatars.referencedKeys(among: [first.key, second.key]) == [second.key])
            #expect(try await store.avatars.replace(userID: uuid(1), with: nil) == .replaced(previous: second))
            #expect(try await store.avatars.find(userID: uuid(1)) == nil)
            #expect(try await store.avatars.referencedKeys(among: [second.key]) == [])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func usersAreReadWithTheirAvatarWhichUpdatesLeaveAlone(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var stored = user(1, name: "Ada")
            try await store.users.insert(stored)
            try await store.sessions.insert(session(2, of: uuid(1)))
            let picture = avatar(1, upload: 21)
            _ = try await store.avatars.replace(userID: uuid(1), with: picture)

            #expect(try await store.users.find(id: uuid(1))?.avatar == picture)
            #expect(try await store.users.find(email: "user1@example.com")?.avatar == picture)
            #expect(try await store.users.list(search: nil, role: nil, page: PageRequest(page: 1, limit: 10)).items.map(\.avatar) == [picture])
            let hits = try await store.users.search(try SearchQuery.parse("Ada"), role: nil, page: PageRequest(page: 1, limit: 10))
            #expect(hits.items.map(\.item.avatar) == [picture])
            #expect(try await store.sessions.find(sessionID: uuid(2), userID: uuid(1))?.user.avatar == picture)
            stored.name = "Ada L."
            #expect(try await store.users.update(stored))
            #expect(try await store.users.find(id: uuid(1))?.avatar == picture, "an update without the avatar keeps it")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func avatarsBelongToLiveUsersOnly(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.users.insert(user(1))
            #expect(try await store.avatars.replace(userID: uuid(2), with: avatar(2, upload: 21)) == .noSuchUser)
            _ = try await store.avatars.replace(userID: uuid(1), with: avatar(1, upload: 22))
            #expect(try await store.users.softDelete(id: uuid(1), at: ms(5_000)))
            #expect(try await store.avatars.find(userID: uuid(1)) == nil)
            #expect(try await store.avatars.replace(userID: uuid(1), with: nil) == .noSuchUser)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func avatarChangesCommitWithTheirTransactionOrNotAtAll(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.users.insert(user(1))
            let kept = avatar(1, upload: 21)
            _ = try await store.avatars.replace(userID: uuid(1), with: kept)
            await #expect(throws: TransactionAbort.self) {
                try await store.unitOfWork.transaction { repositories in
                    _ = try await repositories.avatars.replace(userID: uuid(1), with: avatar(1, upload: 22))
                    try await repositories.examples.insert(example(1))
                    try await repositories.attachments.insert(attachment(11, of: 1))
                    throw TransactionAbort()
                }
            }
            #expect(try await store.avatars.find(userID: uuid(1)) == kept)
            #expect(try await store.attachments.list(exampleID: uuid(1)) == [])
        }
    }
}

struct TransactionAbort: Error {}

/// Attachment number `number` of example number `exampleNumber`, created at `millisecond`.
func attachment(_ number: Int, of exampleNumber: Int, name: String? = nil, at millisecond: Int64 = 1_000) -> Domain.Attachment {
    Domain.Attachment(
        id: uuid(number), exampleID: uuid(exampleNumber), key: Domain.Attachment.key(exampleID: uuid(exampleNumber), id: uuid(number)),
        filename: name ?? "file-\(number).pdf", contentType: "application/pdf", size: Int64(number) * 1_000_000_007,
        sha256: String(repeating: "ab", count: 32), createdAt: ms(millisecond))
}

/// An avatar of user number `userNumber` from upload number `upload`.
func avatar(_ userNumber: Int, upload: Int, at millisecond: Int64 = 1_000) -> Avatar {
    Avatar(
        key: Avatar.key(userID: uuid(userNumber), upload: uuid(upload)), contentType: "image/png", size: Int64(upload),
        sha256: String(repeating: "c\(upload % 10)", count: 32), updatedAt: ms(millisecond))
}
