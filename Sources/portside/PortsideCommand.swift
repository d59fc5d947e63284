import App
import ArgumentParser
import Foundation
import Logging

@main
struct PortsideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portside",
        abstract: "Portside: a production-grade backend service.",
        version: Portside.version,
        subcommands: [
            Serve.self, Worker.self, Migrate.self, Users.self, ConfigCommand.self, OpenAPI.self, HashBenchmarkCommand.self,
            QueueBenchmarkCommand.self, MailBenchmarkCommand.self,
        ]
    )
}

/// Loads and validates the configuration; on failure prints every problem and exits non-zero.
func loadConfiguration() throws -> Configuration {
    do {
        return try Configuration.load()
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        throw ExitCode(78)  // EX_CONFIG
    }
}

/// Bootstraps logging from the configuration (standard output, and `LOG_FILE` when set) and returns the process
/// logger; a log file that cannot be opened stops the command. Call `PortsideLogging.flush()` before exiting.
func makeLogger(_ configuration: Configuration) throws -> Logger {
    do {
        try PortsideLogging.bootstrap(
            format: configuration.logFormat, level: configuration.logLevel, file: configuration.logFile, maximumSize: configuration.logMaxSize,
            maximumFiles: configuration.logMaxFiles)
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        throw ExitCode(78)  // EX_CONFIG
    }
    var logger = Logger(label: "portside")
    logger.logLevel = configuration.logLevel
    return logger
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API until SIGTERM or SIGINT (migrates SQLite first outside production)."
    )

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = try makeLogger(configuration)
        defer { PortsideLogging.flush() }
        do {
            let server = try await Portside.makeServer(configuration: configuration, logger: logger)
            try await server.run()
            logger.info("portside stopped")
        } catch {
            logger.critical("portside failed", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the background jobs (account emails) from the Redis queue until SIGTERM or SIGINT; needs REDIS_URL."
    )

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = try makeLogger(configuration)
        defer { PortsideLogging.flush() }
        do {
            let worker = try await Portside.makeWorker(configuration: configuration, logger: logger)
            try await worker.run()
            logger.info("portside worker stopped")
        } catch {
            logger.critical("portside worker failed", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending database migrations, or list them.",
        subcommands: [Apply.self, Status.self],
        defaultSubcommand: Apply.self
    )

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply every pending migration, in order.")

        func run() async throws {
            let configuration = try loadConfiguration()
            let logger = try makeLogger(configuration)
            defer { PortsideLogging.flush() }
            do {
                let applied = try await Portside.migrate(configuration: configuration, logger: logger)
                print(applied.isEmpty ? "Nothing to migrate." : "Applied \(applied.count) migration(s).")
            } catch {
                FileHandle.standardError.write(Data("migrate failed: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every migration and whether it is applied.")

        func run() async throws {
            let configuration = try loadConfiguration()
            let logger = try makeLogger(configuration)
            defer { PortsideLogging.flush() }
            do {
                let reports = try await Portside.migrationStatus(configuration: configuration, logger: logger)
                for report in reports {
                    let state = report.appliedAt.map { "applied \(ISO8601DateFormatter().string(from: $0))" } ?? "pending"
                    print(String(format: "%04d", report.version), report.name, state)
                }
                if reports.isEmpty { print("No migrations (DATABASE_URL=memory: keeps no schema).") }
            } catch {
                FileHandle.standardError.write(Data("migrate status failed: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Inspect the configuration.",
        subcommands: [Check.self, Docs.self]
    )

    struct Docs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the table of every configuration key, as docs/configuration.md holds it."
        )

        func run() async throws {
            print(ConfigurationKey.markdownTable)
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the configuration and print the effective values (secrets redacted)."
        )

        func run() async throws {
            let configuration = try loadConfiguration()
            print(configuration)
        }
    }
}

struct OpenAPI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "openapi", abstract: "Print the OpenAPI document.")

    func run() async throws {
        guard let document = Portside.openAPIDocument else {
            throw ValidationError("the API document's parts (portside_HTTPAdapter.resources) are not beside the executable")
        }
        print(document)
    }
}

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage accounts.", subcommands: [CreateAdmin.self])

    struct CreateAdmin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-admin",
            abstract: "Create an administrator. The password is read from the first line of stdin, or generated and printed once."
        )

        @Option(help: "The administrator's email address.") var email: String
        @Option(help: "The administrator's display name.") var name: String
        @Flag(help: "Generate a strong password and print it once instead of reading one from stdin.") var generatePassword = false

        func run() async throws {
            let configuration = try loadConfiguration()
            let logger = try makeLogger(configuration)
            defer { PortsideLogging.flush() }
            let password: String
            if generatePassword {
                password = Portside.generatePassword(configuration: configuration)
            } else {
                guard let line = readPassword(), !line.isEmpty else {
                    FileHandle.standardError.write(Data("no password on stdin (or pass --generate-password)\n".utf8))
                    throw ExitCode.validationFailure
                }
                password = line
            }
            do {
                let admin = try await Portside.createAdministrator(
                    configuration: configuration, logger: logger, name: name, email: email, password: password
                )
                print("Created administrator \(admin.email) (id \(admin.id)).")
                if generatePassword { print("Password (shown once): \(password)") }
            } catch {
                FileHandle.standardError.write(Data("create-admin failed: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}

struct HashBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-benchmark",
        abstract: "Measure Argon2id hashes per second with the configured ARGON2_* parameters on every core."
    )

    @Option(help: "How long to measure, in seconds.") var seconds = 10

    func run() async throws {
        let configuration = try loadConfiguration()
        let result = try await Portside.hashBenchmark(configuration: configuration, duration: .seconds(max(1, seconds)))
        print(
            String(
                format: "argon2id m=%d KiB t=%d p=%d: %d hashes in %.1f s on %d threads = %.1f hashes/s (%.1f ms per hash per thread)",
                configuration.argon2MemoryKiB, configuration.argon2Iterations, configuration.argon2Parallelism, result.hashes, result.seconds,
                result.threads, result.hashesPerSecond, 1000 * Double(result.threads) / result.hashesPerSecond
            )
        )
    }
}

/// The first line of standard input. At a terminal it prompts and turns echo off while the password is typed.
func readPassword() -> String? {
    guard isatty(STDIN_FILENO) == 1 else { return readLine(strippingNewline: true) }
    FileHandle.standardError.write(Data("Password: ".utf8))
    var original = termios()
    tcgetattr(STDIN_FILENO, &original)
    var silent = original
    silent.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
    defer {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
        FileHandle.standardError.write(Data("\n".utf8))
    }
    return readLine(strippingNewline: true)
}

struct QueueBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue-benchmark",
        abstract: "Measure jobs enqueued and completed per second on the Redis queue of REDIS_URL, with a handler that does nothing."
    )

    @Option(help: "How many jobs.") var jobs = 20_000
    @Option(help: "How many enqueue and worker loops run at once (and Redis connections).") var concurrency = 8

    func run() async throws {
        let configuration = try loadConfiguration()
        let result = try await Portside.queueBenchmark(
            configuration: configuration, jobs: max(1, jobs), concurrency: max(1, concurrency), logger: try makeLogger(configuration))
        print(
            String(
                format: "%d jobs, %d loops: enqueued %.0f jobs/s (%.2f s), completed %.0f jobs/s (%.2f s)", result.jobs, result.concurrency,
                result.enqueuedPerSecond, result.enqueueSeconds, result.completedPerSecond, result.drainSeconds))
    }
}

struct MailBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail-benchmark",
        abstract: "Measure emails delivered per second to the SMTP server of MAIL_URL (one connection per message)."
    )

    @Option(help: "How many messages.") var messages = 500
    @Option(help: "How many are sent at once.") var concurrency = 8
    @Option(help: "The recipient of every message.") var to = "benchmark@example.com"

    func run() async throws {
        let configuration = try loadConfiguration()
        let seconds = try await Portside.mailBenchmark(
            configuration: configuration, messages: max(1, messages), concurrency: max(1, concurrency), recipient: to)
        print(String(format: "%d messages, %d at once: %.1f emails/s (%.2f s)", messages, concurrency, Double(messages) / seconds, seconds))
    }
}
