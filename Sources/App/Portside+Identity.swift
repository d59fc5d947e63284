import CryptoAdapters
import Domain
import Foundation
import Logging
import MailAdapters
import MemoryAdapters

extension Portside {
    /// The identity side of the composition: hasher, tokens, the job queue and mailer behind account emails.
    struct Identity: Sendable {
        let hasher: Argon2PasswordHasher
        let dependencies: IdentityDependencies
        let mailer: any Mailer
        let retryPolicy: RetryPolicy

        /// Moves the jobs committed changes asked for from the outbox to the job queue, and their events to the bus.
        func relay(events: any EventBus) -> OutboxRelay {
            OutboxRelay(outbox: dependencies.outbox, queue: dependencies.jobs, events: events, clock: dependencies.clock)
        }

        /// The in-process worker that sends account emails.
        func worker(
            _ configuration: Configuration, events: any EventBus, metrics: JobMetrics? = nil, objects: ObjectJobs? = nil, logger: Logger
        ) -> JobWorker {
            var handlers: [any JobHandler] = [
                AccountEmailHandler(dependencies: dependencies, mailer: mailer),
                MaintenanceHandler(
                    sessions: dependencies.sessions, oneTimeTokens: dependencies.oneTimeTokens, jobs: dependencies.jobs,
                    clock: dependencies.clock,
                    schedule: maintenanceSchedule(configuration),
                    orphans: objects?.sweep,
                    report: { task, deleted in
                        logger.info("maintenance done", metadata: ["task": "\(task.rawValue)", "deleted": "\(deleted)"])
                    }),
            ]
            if let objects { handlers.append(objects.deletion) }
            let runner = JobRunner(
                queue: dependencies.jobs,
                handlers: handlers.map { TracedJobHandler(inner: $0) },
                retryPolicy: retryPolicy,
                clock: dependencies.clock,
                jitter: { Double.random(in: 0..<1) },
                events: events
            )
            return JobWorker(
                runner: runner, queues: [AccountEmail.queue, Maintenance.queue], concurrency: configuration.workerConcurrency,
                lease: configuration.jobLease / .seconds(1), metrics: metrics, logger: logger)
        }

        /// Asks for the maintenance jobs on their intervals (every instance does; the queue keeps one per interval).
        func scheduler(_ configuration: Configuration, logger: Logger) -> MaintenanceSchedulerService {
            MaintenanceSchedulerService(
                schedule: maintenanceSchedule(configuration), queue: dependencies.jobs, clock: dependencies.clock, logger: logger)
        }

        func maintenanceSchedule(_ configuration: Configuration) -> MaintenanceSchedule {
            MaintenanceSchedule(failedJobRetention: configuration.failedJobRetention / .seconds(1))
        }
    }

    static func makeIdentity(
        _ configuration: Configuration, persistence: Persistence, clock: any WallClock, ids: any IDGenerator,
        rateLimits: any RateLimitStore = RateLimitMemoryStore(), jobs: any JobQueue = MemoryJobQueue(), logger: Logger
    ) async throws -> Identity {
        let hasher = try await Argon2PasswordHasher.start(
            parameters: Argon2Parameters(
                memoryKiB: UInt32(configuration.argon2MemoryKiB),
                iterations: UInt32(configuration.argon2Iterations),
                parallelism: UInt32(configuration.argon2Parallelism)
            )
        )
        let secret: String
        if let configured = configuration.jwtSecret {
            secret = configured.value
        } else {
            // Production refuses to start without JWT_SECRET; elsewhere a random one keeps tokens valid until restart.
            logger.warning("JWT_SECRET is not set: using a random secret, so tokens stop working when the process restarts")
            secret = SecureTokenGenerator().makeToken() + SecureTokenGenerator().makeToken()
        }
        let accessTokens = await JWTAccessTokenService(
            settings: AccessTokenSettings(
                secret: secret,
                issuer: configuration.jwtIssuer,
                audience: configuration.jwtAudience,
                lifetime: configuration.accessTokenTTL / .seconds(1)
            )
        )
        let mailer: any Mailer =
            switch configuration.mail {
            case .file(let directory): FileMailer(directory: directory, from: configuration.mailFrom, clock: clock)
            case .memory: MemoryMailer()
            case .smtp(let url, _): try SMTPMailer(url: try SMTPURL(url.value), from: configuration.mailFrom, clock: clock)
            }
        let dependencies = IdentityDependencies(
            users: persistence.repositories.users,
            sessions: persistence.repositories.sessions,
            oneTimeTokens: persistence.repositories.oneTimeTokens,
            auditLog: persistence.repositories.auditLog,
            unitOfWork: persistence.unitOfWork,
            hasher: hasher,
            accessTokens: accessTokens,
            secrets: SecureTokenGenerator(),
            jobs: jobs,
            clock: clock,
            ids: ids,
            rateLimits: rateLimits,
            settings: identitySettings(configuration),
            outbox: persistence.repositories.outbox
        )
        let retryPolicy = RetryPolicy(maximumAttempts: configuration.jobAttempts, baseDelay: configuration.jobBackoff / .seconds(1))
        return Identity(hasher: hasher, dependencies: dependencies, mailer: mailer, retryPolicy: retryPolicy)
    }

    static func identitySettings(_ configuration: Configuration) -> IdentitySettings {
        IdentitySettings(
            refreshTokenLifetime: configuration.refreshTokenTTL / .seconds(1),
            sessionMaximumLifetime: configuration.sessionMaxLifetime / .seconds(1),
            emailVerificationLifetime: configuration.emailVerificationTTL / .seconds(1),
            passwordResetLifetime: configuration.passwordResetTTL / .seconds(1),
            signInThrottle: SignInThrottle(
                account: ThrottlePolicy(
                    freeFailures: configuration.lockoutMaxAttempts, maximumWait: configuration.lockoutDuration / .seconds(1),
                    forgetAfter: configuration.lockoutReset / .seconds(1)),
                address: ThrottlePolicy(
                    freeFailures: configuration.lockoutAddressMaxAttempts, maximumWait: configuration.lockoutDuration / .seconds(1),
                    forgetAfter: configuration.lockoutReset / .seconds(1))
            ),
            passwordPolicy: PasswordPolicy(
                length: configuration.passwordMinLength...128,
                requiresUppercase: configuration.passwordRequiresUppercase,
                requiresLowercase: configuration.passwordRequiresLowercase,
                requiresDigit: configuration.passwordRequiresDigit
            ),
            requireVerifiedEmail: configuration.requireEmailVerification,
            publicBaseURL: configuration.publicBaseURL,
            emailChangeCancelLifetime: configuration.emailChangeCancelTTL / .seconds(1),
            registrationConcealsExisting: configuration.registrationConcealsExisting
        )
    }
}
