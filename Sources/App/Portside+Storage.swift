import Domain
import Logging
import StorageAdapters

extension Portside {
    /// Object storage for the configured `STORAGE_URL`, and its readiness check (S3 only: a HEAD on the bucket).
    struct Storage {
        let objects: any ObjectStorage
        let check: (any DependencyCheck)?
    }

    static func openStorage(_ configuration: Configuration, logger: Logger) throws -> Storage {
        switch configuration.storage {
        case .file(let directory):
            if configuration.isProduction {
                // Allowed (a single host with a persistent disk is a real deployment), but worth saying every start.
                logger.warning(
                    "STORAGE_URL is file: in production: objects live on this host's disk only, which other instances cannot read",
                    metadata: ["directory": "\(directory)"])
            }
            return Storage(objects: FileObjectStorage(directory: directory), check: nil)
        case .s3(let url, let accessKeyID, let secretAccessKey):
            let storage = S3ObjectStorage(
                location: try S3Location(url), accessKeyID: accessKeyID, secretAccessKey: secretAccessKey.value, logger: logger)
            return Storage(objects: storage, check: storage)
        }
    }
}
