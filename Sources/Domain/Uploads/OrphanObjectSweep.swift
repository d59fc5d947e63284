import Foundation

/// Deletes objects no record refers to: uploads whose record was never written (a failed request, a direct upload
/// never completed) and objects whose deletion job was lost. Only objects older than `grace` are touched, so an
/// upload whose record is on its way is left alone.
public struct OrphanObjectSweep: Sendable {
    let storage: any ObjectStorage
    let attachments: any AttachmentRepository
    let avatars: any AvatarRepository
    let grace: TimeInterval
    let pageSize: Int

    public init(
        storage: any ObjectStorage, attachments: any AttachmentRepository, avatars: any AvatarRepository, grace: TimeInterval = 86_400,
        pageSize: Int = 500
    ) {
        self.storage = storage
        self.attachments = attachments
        self.avatars = avatars
        self.grace = grace
        self.pageSize = pageSize
    }

    /// Sweeps every prefix uploads use; returns how many objects it deleted.
    public func run(now: Date) async throws -> Int {
        let cutoff = now.addingTimeInterval(-grace)
        var deleted = 0
        for prefix in [Attachment.keyPrefix, Avatar.keyPrefix, DirectUpload.keyPrefix] {
            var after: ObjectKey?
            while true {
                let page = try await storage.list(prefix: prefix, after: after, limit: pageSize)
                let old = page.filter { $0.lastModified < cutoff }.map(\.key)
                if !old.isEmpty {
                    let referenced = try await referencedKeys(among: old, prefix: prefix)
                    for key in old where !referenced.contains(key) {
                        try await storage.delete(key)
                        deleted += 1
                    }
                }
                guard page.count == pageSize, let last = page.last else { break }
                after = last.key
            }
        }
        return deleted
    }

    private func referencedKeys(among keys: [ObjectKey], prefix: String) async throws -> Set<ObjectKey> {
        switch prefix {
        case Attachment.keyPrefix: try await attachments.referencedKeys(among: keys)
        case Avatar.keyPrefix: try await avatars.referencedKeys(among: keys)
        // A direct upload's object is copied when it is completed; none is ever referred to.
        default: []
        }
    }
}
