import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct CreateAdminTests {
    /// Runs `portside users create-admin` with `stdin` and returns its exit code and output.
    func createAdmin(_ arguments: [String], stdin: String?, databasePath: String) async throws -> (Int32, String) {
        let output = Pipe()
        let input = Pipe()
        let environment = LiveServer.environment(databasePath: databasePath, ["MAIL_URL": "memory:"])
        let process = try BinaryTests.launch(["users", "create-admin"] + arguments, environment: environment, output: output, input: input)
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let finished = try await withTimeout(60) {
            while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
            return true
        }
        #expect(finished)
        return (process.terminationStatus, String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test func anAdministratorIsCreatedFromAPasswordOnStdinAndOnlyOnce() async throws {
        guard BinaryTests.requireBinary() else { return }
        let path = temporaryDatabasePath()

        let (status, output) = try await createAdmin(["--email", "Root@Example.com", "--name", "Root"], stdin: "Adm1nPassword\n", databasePath: path)
        let (again, againOutput) = try await createAdmin(
            ["--email", "root@example.com", "--name", "Root"], stdin: "Adm1nPassword\n", databasePath: path)

        #expect(status == 0)
        #expect(output.contains("Created administrator root@example.com"))
        #expect(!output.contains("Adm1nPassword"))
        #expect(again == 1)
        #expect(againOutput.contains("Email is already registered"))
    }

    @Test func aGeneratedPasswordIsPrintedOnceAndAWeakOneIsRefused() async throws {
        guard BinaryTests.requireBinary() else { return }
        let path = temporaryDatabasePath()

        let (status, output) = try await createAdmin(
            ["--email", "ops@example.com", "--name", "Ops", "--generate-password"], stdin: nil, databasePath: path)
        let (weak, weakOutput) = try await createAdmin(["--email", "weak@example.com", "--name", "Weak"], stdin: "password\n", databasePath: path)

        #expect(status == 0)
        #expect(output.contains("Password (shown once): "))
        #expect(weak == 1)
        #expect(weakOutput.contains("password must contain an upper-case letter (A-Z)"))
    }
}
