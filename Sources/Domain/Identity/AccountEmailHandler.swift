import Foundation

/// Sends the account emails (`AccountEmail`). Verification and reset links carry a one-time token minted here, at
/// sending time: each attempt mints a fresh one and retires the older ones, and its message gets a fresh id, so a
/// retried job never leaves the user with a dead link.
public struct AccountEmailHandler: JobHandler {
    private let users: any UserRepository
    private let unitOfWork: any UnitOfWork
    private let secrets: any SecretTokenGenerator
    private let mailer: any Mailer
    private let clock: any WallClock
    private let ids: any IDGenerator
    private let settings: IdentitySettings

    public init(dependencies: IdentityDependencies, mailer: any Mailer) {
        users = dependencies.users
        unitOfWork = dependencies.unitOfWork
        secrets = dependencies.secrets
        self.mailer = mailer
        clock = dependencies.clock
        ids = dependencies.ids
        settings = dependencies.settings
    }

    public var kinds: Set<String> { Set(AccountEmail.Kind.allCases.map(\.rawValue)) }

    public func run(_ job: Job) async throws {
        guard let email = AccountEmail(job: job) else { throw PermanentJobFailure("malformed \(job.kind) job") }
        switch email {
        case .verification(let userID):
            // Nothing to do when the account is gone or has nothing left to verify.
            guard let user = try await users.find(id: userID), let address = user.pendingEmail ?? (user.emailVerified ? nil : user.email) else {
                return
            }
            let token = try await mint(.emailVerification, for: user, address: address, lifetime: settings.emailVerificationLifetime)
            try await mailer.send(
                AccountEmailTemplates.verification(id: ids.makeID(), to: address, name: user.name, link: link("verify-email", token)))
        case .passwordReset(let address):
            guard let user = try await users.find(email: address), user.isActive else { return }
            let token = try await mint(.passwordReset, for: user, address: address, lifetime: settings.passwordResetLifetime)
            try await mailer.send(
                AccountEmailTemplates.passwordReset(id: ids.makeID(), to: address, name: user.name, link: link("reset-password", token)))
        case .passwordChanged(let userID):
            guard let user = try await users.find(id: userID) else { return }
            try await mailer.send(AccountEmailTemplates.passwordChanged(id: job.id, to: user.email, name: user.name))
        case .emailChanged(let userID, let previous):
            guard let user = try await users.find(id: userID) else { return }
            try await mailer.send(AccountEmailTemplates.emailChanged(id: job.id, to: previous, name: user.name, newEmail: user.email))
        }
    }

    /// Stores a new one-time token for `address`, retiring the user's older ones of that purpose.
    private func mint(_ purpose: OneTimeTokenPurpose, for user: User, address: String, lifetime: TimeInterval) async throws -> String {
        let token = secrets.makeToken()
        let now = clock.now().truncatedToMilliseconds
        let record = OneTimeToken(
            digest: secrets.digest(of: token), purpose: purpose, userID: user.id, email: address, createdAt: now,
            expiresAt: now.addingTimeInterval(lifetime)
        )
        try await unitOfWork.transaction { repositories in
            _ = try await repositories.oneTimeTokens.invalidate(userID: user.id, purpose: purpose, at: now)
            try await repositories.oneTimeTokens.insert(record)
        }
        return token
    }

    /// A front-end link under PUBLIC_BASE_URL carrying `token` (URL-safe already).
    private func link(_ path: String, _ token: String) -> String {
        "\(settings.publicBaseURL)/\(path)?token=\(token)"
    }
}
