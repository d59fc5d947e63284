import App
import Foundation
import Testing

@Suite struct DatabaseURLTests {
    @Test func aPostgresURLIsTakenApartAndItsPasswordNeverShown() throws {
        let configuration = try Configuration.parse([
            "DATABASE_URL": "postgres://portside:s%40cret@db.internal:6543/portside?sslmode=require", "DATABASE_POOL_SIZE": "20",
        ])

        guard case .postgres(let target) = configuration.database else {
            Issue.record("expected a PostgreSQL database")
            return
        }
        #expect(target.host == "db.internal")
        #expect(target.port == 6543)
        #expect(target.database == "portside")
        #expect(target.username == "portside")
        #expect(target.sslMode == "require")
        #expect(configuration.databasePoolSize == 20)
        #expect(!configuration.description.contains("s%40cret"))
        #expect(configuration.description.contains("DATABASE_URL=postgres://portside:[redacted]@db.internal:6543/portside?sslmode=require"))
    }

    @Test func aUnixSocketDirectoryIsKeptAndShownWithoutThePassword() throws {
        let configuration = try Configuration.parse(["DATABASE_URL": "postgres://portside:s%40cret@/portside?host=/var/run/postgresql"])

        guard case .postgres(let target) = configuration.database else {
            Issue.record("expected a PostgreSQL database")
            return
        }
        #expect(target.socketDirectory == "/var/run/postgresql")
        #expect(target.sslMode == "disable")
        #expect(!configuration.description.contains("s%40cret"))
        #expect(
            configuration.description.contains("DATABASE_URL=postgres://portside:[redacted]@:5432/portside?host=/var/run/postgresql&sslmode=disable"))
    }

    @Test func postgresqlIsAcceptedAndDefaultsApply() throws {
        let configuration = try Configuration.parse(["DATABASE_URL": "postgresql://app@localhost/app"])

        guard case .postgres(let target) = configuration.database else {
            Issue.record("expected a PostgreSQL database")
            return
        }
        #expect(target.port == 5432)
        #expect(target.sslMode == "prefer")
        #expect(configuration.databaseConnectTimeout == .seconds(5))
        #expect(configuration.databaseQueryTimeout == .seconds(10))
    }

    @Test(arguments: [
        ("postgres://user:hunter2@host/db?sslmode=verify-ca", "sslmode must be disable, prefer, require or verify-full"),
        ("postgres://user:hunter2@host/db?sslmode=require&sslrootcert=/nonexistent/ca.pem", "sslrootcert names a file that cannot be read"),
        (
            "postgres://user:hunter2@host/db?sslrootcert=/etc/hostname",
            "sslrootcert needs sslmode=require: only require verifies the server's certificate"
        ),
        ("postgres://user:hunter2@host/", "must name one database in its path (postgres://host/database)"),
        ("postgres://host/db", "must name a user (postgres://user@host/database)"),
        (
            "postgres://user:hunter2@host/db?application_name=x",
            "the parameter \"application_name\" is not supported (only sslmode, sslrootcert and host)"
        ),
    ])
    func aBadPostgresURLIsReportedWithoutItsPassword(url: String, message: String) throws {
        let error = #expect(throws: ConfigurationError.self) { try Configuration.parse(["DATABASE_URL": url]) }

        #expect(error?.problems == ["DATABASE_URL: \(message)"])
        #expect(error?.description.contains("hunter2") == false)
    }
}
