import Domain
import Logging

extension Portside {
    /// The upload use cases over the configured storage and database: attachments of examples and users' avatars.
    static func uploadServices(_ configuration: Configuration, core: Core) -> (attachments: AttachmentService, avatars: AvatarService) {
        let repositories = core.persistence.repositories
        let attachments = AttachmentService(
            examples: repositories.examples, attachments: repositories.attachments, unitOfWork: core.persistence.unitOfWork,
            storage: core.storage.objects, clock: core.clock, ids: core.ids,
            policy: .attachment(maxBytes: Int64(configuration.attachmentMaxSize)),
            directUploadLifetime: Int(configuration.directUploadTTL / .seconds(1)))
        let avatars = AvatarService(
            avatars: repositories.avatars, unitOfWork: core.persistence.unitOfWork, storage: core.storage.objects, clock: core.clock,
            ids: core.ids, policy: .avatar(maxBytes: Int64(configuration.avatarMaxSize)))
        return (attachments, avatars)
    }

    /// What the worker needs for stored objects: the handler of object deletions and the orphan sweep.
    static func objectJobs(_ configuration: Configuration, persistence: Persistence, storage: Storage) -> ObjectJobs {
        ObjectJobs(
            deletion: ObjectDeletionHandler(storage: storage.objects),
            sweep: OrphanObjectSweep(
                storage: storage.objects, attachments: persistence.repositories.attachments, avatars: persistence.repositories.avatars,
                grace: configuration.orphanObjectGrace / .seconds(1)))
    }

    struct ObjectJobs: Sendable {
        let deletion: ObjectDeletionHandler
        let sweep: OrphanObjectSweep
    }
}
