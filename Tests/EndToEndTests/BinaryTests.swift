import Foundation
import TestSupport
import Testing

/// The built `portside` executable, driven as an operator would: signals, exit codes, output.
@Suite(.serialized) struct BinaryTests {
    /// `PORTSIDE_BINARY`, or the debug build in this checkout.
    static let binary: URL? = {
        let path = ProcessInfo.processInfo.environment["PORTSIDE_BINARY"] ?? packageRoot().appendingPathComponent(".build/debug/portside").path
        return FileManager.default.isExecutableFile(atPath: path) ? URL(fileURLWithPath: path) : nil
    }()

    /// Runs the binary and returns it; its output goes to `output`.
    static func launch(_ arguments: [String], environment: [String: String], output: Pipe, input: Pipe? = nil) throws -> Process {
        guard let binary else { throw TestFailure("no portside binary") }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { $1 }
        process.standardOutput = output
        process.standardError = output
        if let input { process.standardInput = input }
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        try process.run()
        return process
    }

    /// Skips (loudly) where the binary was not built; under CI a missing binary is a failure.
    static func requireBinary() -> Bool {
        if binary != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("the portside binary is missing: run `swift build` before the tests")
        } else {
            print("⚠️  SKIPPED: BinaryTests need the built binary (swift build, or set PORTSIDE_BINARY)")
        }
        return false
    }

    @Test func sigtermDrainsAndExitsZero() async throws {
        guard Self.requireBinary() else { return }
        let port = try freePort()
        let output = Pipe()
        let environment = LiveServer.environment(
            databasePath: temporaryDatabasePath(), ["PORT": "\(port)", "LOG_FORMAT": "json", "LOG_LEVEL": "info"])
        let process = try Self.launch(["serve"], environment: environment, output: output)
        defer { if process.isRunning { process.terminate() } }

        var live: RawResponse?
        for _ in 0..<150 where live == nil {
            live = try? await RawConnection.request(port: port, "GET", "/api/v1/health/live", headers: ["X-Request-Id": "binary-test-1"])
            if live == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        kill(process.processIdentifier, SIGTERM)
        let exited = try await withTimeout(40) {
            while process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            return true
        }
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")

        #expect(live?.status == 200)
        #expect(exited)
        #expect(process.terminationStatus == 0)
        let requestLine = lines.first { $0.contains("\"requestId\":\"binary-test-1\"") }
        let parsed = requestLine.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(parsed?["route"] as? String == "/api/v1/health/live")
        #expect(parsed?["status"] as? String == "200")
        #expect(parsed?["method"] as? String == "GET")
        #expect(lines.contains { $0.contains("sqlite database closed") })
    }

    @Test func logFileGetsEveryLineUpToTheLastOneWrittenOnShutdown() async throws {
        guard Self.requireBinary() else { return }
        let port = try freePort()
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("portside-log-file-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: logs) }
        let environment = LiveServer.environment(
            databasePath: temporaryDatabasePath(),
            ["PORT": "\(port)", "LOG_FORMAT": "json", "LOG_LEVEL": "info", "LOG_FILE": logs.appendingPathComponent("portside.log").path])
        let process = try Self.launch(["serve"], environment: environment, output: Pipe())
        defer { if process.isRunning { process.terminate() } }

        var live: RawResponse?
        for _ in 0..<150 where live == nil {
            live = try? await RawConnection.request(port: port, "GET", "/api/v1/health/live", headers: ["X-Request-Id": "log-file-test-1"])
            if live == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        kill(process.processIdentifier, SIGTERM)
        _ = try await withTimeout(40) {
            while process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            return true
        }
        let lines = try String(contentsOf: logs.appendingPathComponent("portside.log"), encoding: .utf8).split(separator: "\n")

        #expect(live?.status == 200)
        #expect(process.terminationStatus == 0)
        #expect(lines.contains { $0.contains("\"requestId\":\"log-file-test-1\"") })
        #expect(lines.last?.contains("portside stopped") == true)
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }

    @Test func anInvalidConfigurationExitsNonZeroListingEveryProblem() async throws {
        guard Self.requireBinary() else { return }
        let output = Pipe()
        let process = try Self.launch(
            ["serve"],
            environment: ["PORT": "80a0", "BODY_LIMIT": "lots", "APP_ENV": "production", "JWT_SECRET": "short-secret-value"],
            output: output
        )
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)

        #expect(process.terminationStatus == 78)
        for key in ["PORT:", "BODY_LIMIT:", "DATABASE_URL:", "JWT_SECRET:"] {
            #expect(text.contains(key), "\(key) missing from: \(text)")
        }
        #expect(!text.contains("short-secret-value"))
    }

    @Test func configCheckPrintsTheEffectiveConfigurationRedacted() async throws {
        guard Self.requireBinary() else { return }
        let output = Pipe()
        let secret = String(repeating: "z", count: 64)
        let process = try Self.launch(["config", "check"], environment: ["JWT_SECRET": secret, "PORT": "9999"], output: output)
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)

        #expect(process.terminationStatus == 0)
        #expect(text.contains("PORT=9999"))
        #expect(text.contains("JWT_SECRET=[redacted]"))
        #expect(!text.contains(secret))
    }

    @Test func migrateThenStatusListsTheAppliedFiles() async throws {
        guard Self.requireBinary() else { return }
        let environment = LiveServer.environment(databasePath: temporaryDatabasePath(), [:])
        let migrateOutput = Pipe()
        let migrate = try Self.launch(["migrate"], environment: environment, output: migrateOutput)
        migrate.waitUntilExit()
        let statusOutput = Pipe()
        let status = try Self.launch(["migrate", "status"], environment: environment, output: statusOutput)
        status.waitUntilExit()
        let text = String(decoding: statusOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)

        #expect(migrate.terminationStatus == 0)
        #expect(status.terminationStatus == 0)
        #expect(text.contains("0001 create_examples applied"))
    }

    @Test func openapiPrintsTheDocument() async throws {
        guard Self.requireBinary() else { return }
        let output = Pipe()
        let process = try Self.launch(["openapi"], environment: [:], output: output)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let document = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(document?["openapi"] as? String == "3.1.0")
    }
}
