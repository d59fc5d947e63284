import Foundation

/// A user's picture: its bytes live in object storage under `key`; the user's record keeps this description.
public struct Avatar: Sendable, Equatable {
    public let key: ObjectKey
    /// The content type the bytes were sniffed as (an image type).
    public let contentType: String
    public let size: Int64
    /// SHA-256 of the bytes, lowercase hex (also the picture's ETag).
    public let sha256: String
    public let updatedAt: Date

    public init(key: ObjectKey, contentType: String, size: Int64, sha256: String, updatedAt: Date) {
        self.key = key
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.updatedAt = updatedAt
    }

    /// Every avatar's key starts with this (the orphan sweep lists it).
    public static let keyPrefix = "avatars/"

    /// A new key for a picture of user `userID`: each upload gets its own, so a replacement never overwrites the bytes
    /// the record still names.
    public static func key(userID: UUID, upload: UUID) -> ObjectKey {
        (try? ObjectKey("\(keyPrefix)\(userID.uuidString.lowercased())/\(upload.uuidString.lowercased())"))!
    }
}

/// What `AvatarRepository.replace` found.
public enum AvatarReplacement: Sendable, Equatable {
    /// No live user has this id; nothing changed.
    case noSuchUser
    /// The avatar was replaced; `previous` is the one it replaced (nil: there was none).
    case replaced(previous: Avatar?)
}

/// Stores each user's avatar description beside the user's record.
public protocol AvatarRepository: Sendable {
    /// The avatar of the live user `userID`, or nil (no such user, or no avatar).
    func find(userID: UUID) async throws -> Avatar?
    /// Sets (or with nil, removes) the avatar of the live user `userID` and says what it replaced.
    func replace(userID: UUID, with avatar: Avatar?) async throws -> AvatarReplacement
    /// Those of `keys` some user's avatar refers to (deleted users' too, until their avatar is removed).
    func referencedKeys(among keys: [ObjectKey]) async throws -> Set<ObjectKey>
}
