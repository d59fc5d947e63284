import App
import Foundation
import Testing

@Suite struct IdentityConfigurationTests {
    @Test func theIdentityDefaultsAreTheDocumentedOnes() throws {
        let configuration = try Configuration.parse([:])

        #expect(configuration.accessTokenTTL == .seconds(15 * 60))
        #expect(configuration.refreshTokenTTL == .seconds(7 * 86_400))
        #expect(configuration.emailVerificationTTL == .seconds(86_400))
        #expect(configuration.passwordResetTTL == .seconds(3_600))
        #expect(configuration.lockoutMaxAttempts == 3)
        #expect(configuration.lockoutAddressMaxAttempts == 20)
        #expect(configuration.lockoutDuration == .seconds(15 * 60))
        #expect(configuration.lockoutReset == .seconds(12 * 3600))
        #expect(configuration.argon2MemoryKiB == 19_456)
        #expect(configuration.argon2Iterations == 2)
        #expect(configuration.argon2Parallelism == 1)
        #expect(configuration.mail == .file(directory: "data/mail"))
        #expect(configuration.jobAttempts == 3)
        #expect(configuration.workerConcurrency == 5)
        #expect(configuration.requireEmailVerification)
    }

    @Test func identityKeysAreParsed() throws {
        let configuration = try Configuration.parse([
            "ACCESS_TOKEN_TTL": "5m", "LOCKOUT_MAX_ATTEMPTS": "5", "PASSWORD_REQUIRE_DIGIT": "false", "MAIL_URL": "file:/tmp/mail",
            "REQUIRE_EMAIL_VERIFICATION": "0", "ARGON2_MEMORY_KIB": "65536", "WORKER_MODE": "INLINE", "LOCKOUT_ADDRESS_MAX_ATTEMPTS": "50",
            "LOCKOUT_DURATION": "1h", "LOCKOUT_RESET": "1d",
        ])

        #expect(configuration.accessTokenTTL == .seconds(300))
        #expect(configuration.lockoutMaxAttempts == 5)
        #expect(configuration.lockoutAddressMaxAttempts == 50)
        #expect(configuration.lockoutDuration == .seconds(3600))
        #expect(configuration.lockoutReset == .seconds(86_400))
        #expect(!configuration.passwordRequiresDigit)
        #expect(configuration.mail == .file(directory: "/tmp/mail"))
        #expect(!configuration.requireEmailVerification)
        #expect(configuration.argon2MemoryKiB == 65_536)
        #expect(configuration.workerMode == .inline)
    }

    @Test func weakOrMalformedIdentitySettingsAreAllReported() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse([
                "ARGON2_MEMORY_KIB": "1024", "ARGON2_ITERATIONS": "1", "PASSWORD_MIN_LENGTH": "6", "PASSWORD_REQUIRE_UPPERCASE": "maybe",
                "MAIL_URL": "smtp://user:hunter2@mail.example.com?starttls=off", "MAIL_FROM": "a@example.com\r\nBcc: x@example.com",
                "REFRESH_TOKEN_TTL": "60d", "SESSION_MAX_LIFETIME": "30d", "WORKER_MODE": "off",
            ])
        }
        let keys = Set(error?.problems.compactMap { $0.split(separator: ":").first.map(String.init) } ?? [])

        #expect(
            keys == [
                "ARGON2_MEMORY_KIB", "ARGON2_ITERATIONS", "PASSWORD_MIN_LENGTH", "PASSWORD_REQUIRE_UPPERCASE", "MAIL_URL", "MAIL_FROM",
                "SESSION_MAX_LIFETIME", "WORKER_MODE",
            ]
        )
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test func productionRefusesMemoryMail() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse([
                "APP_ENV": "production", "DATABASE_URL": "sqlite:/var/lib/portside.sqlite",
                "JWT_SECRET": "Vq3xR8mZt2Lk9WcY4pHn7BsJ1dGf6TaU0eKr5NyQw8Zi3XoM2vCb7LhS9jPg4uDt",
                "MAIL_URL": "memory:", "METRICS_TOKEN": "scrape-token-0123456789",
            ])
        }
        #expect(error?.problems == ["MAIL_URL: memory: delivers nothing; not allowed in production"])
    }

    @Test func theJWTSecretIsRedactedInTheEffectiveConfiguration() throws {
        let configuration = try Configuration.parse(["JWT_SECRET": "a-development-secret-of-enough-length-1234"])

        #expect(!configuration.description.contains("a-development-secret"))
        #expect(configuration.description.contains("LOCKOUT_MAX_ATTEMPTS=3"))
    }
}
