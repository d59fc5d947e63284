import Foundation
import Testing

@testable import App

@Suite struct StorageConfigurationTests {
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    @Test func filesUnderDataObjectsAreTheDefault() throws {
        let configuration = try Configuration.parse([:])

        #expect(configuration.storage == .file(directory: "data/objects"))
        #expect(try Configuration.parse(["STORAGE_URL": "file:///srv/objects"]).storage == .file(directory: "/srv/objects"))
        #expect(configuration.description.contains("STORAGE_URL=file:data/objects"))
    }

    @Test func anS3BucketTakesItsCredentialsFromTheirOwnKeysAndNeverShowsTheSecret() throws {
        let configuration = try Configuration.parse([
            "STORAGE_URL": "s3://uploads?endpoint=http://127.0.0.1:9000&region=eu-west-1", "STORAGE_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "STORAGE_SECRET_ACCESS_KEY": secret,
        ])

        #expect(
            configuration.storage
                == .s3(
                    url: "s3://uploads?endpoint=http://127.0.0.1:9000&region=eu-west-1", accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                    secretAccessKey: Secret(secret)))
        #expect(configuration.description.contains("STORAGE_SECRET_ACCESS_KEY=[redacted]"))
        #expect(!configuration.description.contains(secret))
    }

    @Test func s3WithoutBothCredentialsIsRefused() {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(["STORAGE_URL": "s3://uploads", "STORAGE_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE"])
        }
        #expect(error?.problems == ["STORAGE_URL: s3:// needs STORAGE_ACCESS_KEY_ID and STORAGE_SECRET_ACCESS_KEY"])
    }

    @Test(arguments: [
        ("gs://uploads", "must be file:DIRECTORY or s3://BUCKET?endpoint=URL&region=REGION (scheme \"gs\" is not supported)"),
        ("file:", "must be file:DIRECTORY or s3://BUCKET?endpoint=URL&region=REGION (scheme \"file\" is not supported)"),
        ("s3://key:hunter2@uploads", "must not hold credentials: set STORAGE_ACCESS_KEY_ID and STORAGE_SECRET_ACCESS_KEY"),
        ("s3://Up_Loads", "the bucket name must be 3 to 63 characters of a-z, 0-9, '.' and '-'"),
        ("s3://uploads?endpoint=ftp://hunter2", "endpoint must be an http(s) URL with a host and no path, such as http://127.0.0.1:9000"),
    ])
    func aBadStorageURLIsReportedWithoutItsValue(url: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(["STORAGE_URL": url, "STORAGE_ACCESS_KEY_ID": "id", "STORAGE_SECRET_ACCESS_KEY": secret])
        }
        #expect(error?.problems == ["STORAGE_URL: \(message)"])
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test func productionAcceptsFileStorage() throws {
        let production = [
            "APP_ENV": "production", "DATABASE_URL": "postgres://app@db.internal/app",
            "JWT_SECRET": "Vq3xR8mZt2Lk9WcY4pHn7BsJ1dGf6TaU0eKr5NyQw8Zi3XoM2vCb7LhS9jPg4uDt", "METRICS_TOKEN": "scrape-token-0123456789",
        ]
        #expect(try Configuration.parse(production).storage == .file(directory: "data/objects"))
    }
}
