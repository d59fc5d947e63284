import Foundation

/// Objects whose records are gone are deleted by a job, queued through the outbox in the transaction that removes
/// the records: a record never points to a deleted object, and an object whose job was lost is left to the orphan
/// sweep.
public enum ObjectDeletion {
    public static let kind = "storage.delete_objects"

    /// The job deleting `keys` (on the maintenance queue). Keys are never reused, so the id, made from them, makes
    /// a repeated request for the same keys one job.
    public static func request(_ keys: [ObjectKey]) -> JobRequest {
        let list = keys.map(\.value).joined(separator: "\n")
        return JobRequest(id: Maintenance.stableID("\(kind)|\(list)"), queue: Maintenance.queue, kind: kind, payload: ["keys": list])
    }

    /// Adds the deletion of `keys` to the transaction's outbox (nothing for no keys).
    static func schedule(_ keys: [ObjectKey], in repositories: Repositories, now: Date) async throws {
        guard !keys.isEmpty else { return }
        try await repositories.outbox.add(request(keys), now: now)
    }
}

/// Runs `ObjectDeletion` jobs: deleting an object that is already gone succeeds, so a job may run twice.
public struct ObjectDeletionHandler: JobHandler {
    let storage: any ObjectStorage

    public init(storage: any ObjectStorage) {
        self.storage = storage
    }

    public var kinds: Set<String> { [ObjectDeletion.kind] }

    public func run(_ job: Job) async throws {
        guard let list = job.payload["keys"] else { throw PermanentJobFailure("an object deletion without keys") }
        for line in list.split(separator: "\n") {
            guard let key = try? ObjectKey(String(line)) else { throw PermanentJobFailure("an object deletion with an invalid key") }
            try await storage.delete(key)
        }
    }
}
