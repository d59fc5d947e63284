import Foundation

/// The avatar use cases: a user sets or removes their own picture; anyone may fetch a live user's picture.
public struct AvatarService: Sendable {
    private let avatars: any AvatarRepository
    private let unitOfWork: any UnitOfWork
    private let storage: any ObjectStorage
    private let clock: any WallClock
    private let ids: any IDGenerator
    public let policy: UploadPolicy

    public init(
        avatars: any AvatarRepository, unitOfWork: any UnitOfWork, storage: any ObjectStorage, clock: any WallClock, ids: any IDGenerator,
        policy: UploadPolicy = .avatar()
    ) {
        self.avatars = avatars
        self.unitOfWork = unitOfWork
        self.storage = storage
        self.clock = clock
        self.ids = ids
        self.policy = policy
    }

    /// Stores `body` (exactly `length` bytes) as the caller's picture, replacing any previous one, whose object is then
    /// deleted by a job. Refused before a byte is read when `length` is over the limit; refused, with nothing kept,
    /// when the bytes are not an allowed image.
    public func set<Body: AsyncSequence & Sendable>(_ body: Body, length: Int64, by principal: Principal) async throws -> Avatar
    where Body.Element == [UInt8] {
        try principal.require(.manageOwnAccount)
        let userID = principal.user.id
        let key = Avatar.key(userID: userID, upload: ids.makeID())
        let stored = try await UploadWriter(storage: storage).store(body, length: length, key: key, policy: policy)
        let avatar = Avatar(
            key: key, contentType: stored.contentType, size: stored.size, sha256: stored.sha256, updatedAt: clock.now().truncatedToMilliseconds)
        do {
            try await unitOfWork.transaction { repositories in
                switch try await repositories.avatars.replace(userID: userID, with: avatar) {
                case .noSuchUser:
                    throw DomainError.notFound(resource: "User")
                case .replaced(let previous):
                    try await ObjectDeletion.schedule(previous.map { [$0.key] } ?? [], in: repositories, now: avatar.updatedAt)
                }
            }
        } catch {
            // No record names the new object: remove it now (the orphan sweep would, later).
            try? await storage.delete(key)
            throw error
        }
        return avatar
    }

    /// Removes the caller's picture; its object is deleted by a job. 404 when there is none.
    public func remove(by principal: Principal) async throws {
        try principal.require(.manageOwnAccount)
        let now = clock.now().truncatedToMilliseconds
        try await unitOfWork.transaction { repositories in
            guard case .replaced(let previous?) = try await repositories.avatars.replace(userID: principal.user.id, with: nil) else {
                throw DomainError.notFound(resource: "Avatar")
            }
            try await ObjectDeletion.schedule([previous.key], in: repositories, now: now)
        }
    }

    /// The picture of live user `userID` (an unknown or malformed id, or no picture: 404), opened for reading.
    public func open(userID raw: String, range: ObjectRange?) async throws -> (avatar: Avatar, download: ObjectDownload) {
        guard let userID = UUID(uuidString: raw), let avatar = try await avatars.find(userID: userID) else {
            throw DomainError.notFound(resource: "Avatar")
        }
        return (avatar, try await StoredObjects.open(avatar.key, range: range, in: storage, resource: "Avatar"))
    }
}

/// Opening a recorded object for reading, with storage failures in domain terms.
enum StoredObjects {
    static func open(_ key: ObjectKey, range: ObjectRange?, in storage: any ObjectStorage, resource: String) async throws -> ObjectDownload {
        do {
            return try await storage.get(key, range: range)
        } catch ObjectStorageError.notFound {
            // The record was removed meanwhile (its object goes only after the record).
            throw DomainError.notFound(resource: resource)
        } catch ObjectStorageError.unavailable(let detail) {
            throw DomainError.unavailable("object storage: \(detail)")
        }
    }
}
