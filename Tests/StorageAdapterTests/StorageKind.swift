import Domain
import Foundation
import Logging
import StorageAdapters
import Synchronization
import Testing

/// Every adapter of `ObjectStorage`. Each case gets an empty store: a new directory, or a key prefix of its own in the
/// test bucket.
enum StorageKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case file
    case s3

    var description: String { rawValue }

    /// A new, empty store and the prefix its keys take; throws (skipping the case, or failing it under CI) when the S3
    /// server is missing.
    func make() throws -> (storage: any ObjectStorage, prefix: String) {
        let prefix = "t\(UUID().uuidString.lowercased().prefix(8))/"
        switch self {
        case .file:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portside-objects-\(UUID().uuidString)").path
            return (FileObjectStorage(directory: directory), prefix)
        case .s3:
            guard let server = try S3TestServer.current() else { throw S3Missing() }
            return (server.storage, prefix)
        }
    }
}

/// The S3 servers the suites run on (scripts/services/s3.sh starts throwaway ones), with the key in
/// `PORTSIDE_TEST_S3_ACCESS_KEY_ID` and `PORTSIDE_TEST_S3_SECRET_ACCESS_KEY`.
struct S3TestServer {
    let storage: S3ObjectStorage
    let location: S3Location
    let accessKeyID: String

    /// `PORTSIDE_TEST_S3_URL`: signatures unchecked (moto with checks on fails presigned URLs and any `/` in a query).
    static func current() throws -> S3TestServer? { try server("PORTSIDE_TEST_S3_URL") }

    /// `PORTSIDE_TEST_S3_SIGNED_URL`: the server checks every request's signature.
    static func signed() throws -> S3TestServer? { try server("PORTSIDE_TEST_S3_SIGNED_URL") }

    private static func server(_ variable: String) throws -> S3TestServer? {
        let environment = ProcessInfo.processInfo.environment
        let missing = "S3 suites need \(variable) (scripts/test.sh starts one)"
        guard let text = environment[variable], !text.isEmpty else {
            if environment["CI"] == "true" {
                Issue.record("\(missing); CI must run them")
                return nil
            }
            let first = announced.withLock { (done: inout Bool) -> Bool in
                defer { done = true }
                return !done
            }
            if first { print("⚠️ SKIPPED: \(missing)") }
            try Test.cancel(Comment(rawValue: missing))
        }
        let location = try S3Location(text)
        let accessKeyID = environment["PORTSIDE_TEST_S3_ACCESS_KEY_ID"] ?? ""
        let storage = S3ObjectStorage(
            location: location, accessKeyID: accessKeyID, secretAccessKey: environment["PORTSIDE_TEST_S3_SECRET_ACCESS_KEY"] ?? "",
            logger: quietLogger)
        return S3TestServer(storage: storage, location: location, accessKeyID: accessKeyID)
    }

    private static let announced = Mutex(false)
}

/// Under CI, an S3 case without its server has already recorded why it fails.
struct S3Missing: Error {}

let quietLogger: Logger = {
    var logger = Logger(label: "portside-storage-tests")
    logger.logLevel = .critical
    return logger
}()

/// `bytes` in chunks of `size`, as an upload would arrive.
func chunks(of bytes: [UInt8], size: Int) -> AsyncStream<[UInt8]> {
    AsyncStream { continuation in
        for start in stride(from: 0, to: bytes.count, by: size) { continuation.yield(Array(bytes[start..<min(start + size, bytes.count)])) }
        continuation.finish()
    }
}

/// `count` bytes that differ from one position to the next (a pattern with a period no chunk size shares).
func pattern(_ count: Int, seed: Int = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 31 &+ $0 / 251 &+ seed) % 251) }
}

struct ChunkSourceFailed: Error, Equatable {}
