import Foundation

/// A throwaway PostgreSQL database for end-to-end tests, on the server `scripts/test.sh` starts
/// (`PORTSIDE_TEST_POSTGRES_URL`), created with `psql` and dropped afterwards.
public enum PostgresTestDatabase {
    /// The server's URL, or nil: then the caller skips, loudly, except under `CI=true`, where it must fail.
    public static var serverURL: String? {
        ProcessInfo.processInfo.environment["PORTSIDE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    public static let skipMessage = "⚠️  SKIPPED: PostgreSQL suites need PORTSIDE_TEST_POSTGRES_URL (scripts/test.sh starts one)"

    /// Creates a new, empty database and returns its URL; `drop(_:)` removes it.
    public static func create() throws -> String? {
        guard let server = serverURL, var components = URLComponents(string: server) else { return nil }
        let name = "portside_e2e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try psql(server, "CREATE DATABASE \(name)")
        components.path = "/\(name)"
        return components.string
    }

    public static func drop(_ url: String) {
        guard let server = serverURL, let name = URLComponents(string: url)?.path.dropFirst(), !name.isEmpty else { return }
        try? psql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    private static func psql(_ url: String, _ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "--quiet", "--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--command", command]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PostgresTestDatabaseError(command: command) }
    }
}

public struct PostgresTestDatabaseError: Error, CustomStringConvertible {
    public let command: String

    public var description: String { "psql failed: \(command)" }
}
