import Foundation

/// Sends the account emails (`AccountEmail`). Verification, reset and cancel links carry a one-time token minted here, at
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
            // A change to another account's address was answered like any other, so as not to tell who has an
            // account: that address's owner is told instead, and no link is made.
            if let owner = try await users.find(email: address), owner.id != user.id {
                try await mailer.send(AccountEmailTemplates.addressInUse(id: job.id, to: address, name: owner.name))
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
        case .emailChangeRequested(let userID, let previous, let new, let requestedAt):
            guard let user = try await users.find(id: userID) else { return }
            // Older cancel links stay good: the oldest one left decides (see `AuthService.cancelEmailChange`), and its
            // window counts from the request, not from when the worker got to it.
            let token = try await mint(
                .emailChangeCancel, for: user, address: previous, createdAt: requestedAt, lifetime: settings.emailChangeCancelLifetime,
                retiringOlder: false)
            try await mailer.send(
                AccountEmailTemplates.emailChangeRequested(
                    id: ids.makeID(), to: previous, name: user.name, newEmail: new, link: link("cancel-email-change", token),
                    window: settings.emailChangeCancelLifetime))
        case .registrationAttempt(let address):
            guard let owner = try await users.find(email: address) else { return }
            try await mailer.send(AccountEmailTemplates.registrationAttempt(id: job.id, to: address, name: owner.name))
        }
    }

    /// Stores a new one-time token for `address`, retiring the user's older ones of that purpose unless told not to.
    private func mint(
        _ purpose: OneTimeTokenPurpose, for user: User, address: String, createdAt: Date? = nil, lifetime: TimeInterval,
        retiringOlder: Bool = true
    ) async throws -> String {
        let token = secrets.makeToken()
        let now = clock.now().truncatedToMilliseconds
        let created = createdAt?.truncatedToMilliseconds ?? now
        let record = OneTimeToken(
            digest: secrets.digest(of: token), purpose: purpose, userID: user.id, email: address, createdAt: created,
            expiresAt: created.addingTimeInterval(lifetime)
        )
        try await unitOfWork.transaction { repositories in
            if retiringOlder { _ = try await repositories.oneTimeTokens.invalidate(userID: user.id, purpose: purpose, at: now) }
            try await repositories.oneTimeTokens.insert(record)
        }
        return token
    }

    /// A front-end link under PUBLIC_BASE_URL carrying `token` (URL-safe already).
    private func link(_ path: String, _ token: String) -> String {
        "\(settings.publicBaseURL)/\(path)?token=\(token)"
    }
}
