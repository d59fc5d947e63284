import Foundation

/// The identity rules a deployment may tune: lifetimes, sign-in throttling, password policy and where email links point.
public struct IdentitySettings: Sendable, Equatable {
    /// A refresh token expires this long after it was issued (each rotation issues a new one).
    public var refreshTokenLifetime: TimeInterval
    /// A session ends this long after sign-in, however often it is refreshed.
    public var sessionMaximumLifetime: TimeInterval
    public var emailVerificationLifetime: TimeInterval
    public var passwordResetLifetime: TimeInterval
    public var signInThrottle: SignInThrottle
    public var passwordPolicy: PasswordPolicy
    /// How many reset or verification emails one account may be sent per hour, whoever asks.
    public var accountEmailsPerHour: Int
    /// Whether writing examples needs a verified email address.
    public var requireVerifiedEmail: Bool
    /// The public address of the web front end; email links start with it (never with a request's Host header).
    public var publicBaseURL: String
    /// How long after an email change is asked for the link sent to the replaced address can still undo it.
    public var emailChangeCancelLifetime: TimeInterval
    /// Whether registration answers alike for new and taken addresses (202, no tokens), so it cannot tell who has an
    /// account; the owner of a taken address is told by email instead.
    public var registrationConcealsExisting: Bool

    public init(
        refreshTokenLifetime: TimeInterval = 7 * 86_400,
        sessionMaximumLifetime: TimeInterval = 30 * 86_400,
        emailVerificationLifetime: TimeInterval = 86_400,
        passwordResetLifetime: TimeInterval = 3_600,
        signInThrottle: SignInThrottle = SignInThrottle(),
        passwordPolicy: PasswordPolicy = PasswordPolicy(),
        accountEmailsPerHour: Int = 5,
        requireVerifiedEmail: Bool = true,
        publicBaseURL: String = "http://localhost:8080",
        emailChangeCancelLifetime: TimeInterval = 7 * 86_400,
        registrationConcealsExisting: Bool = false
    ) {
        self.refreshTokenLifetime = refreshTokenLifetime
        self.sessionMaximumLifetime = sessionMaximumLifetime
        self.emailVerificationLifetime = emailVerificationLifetime
        self.passwordResetLifetime = passwordResetLifetime
        self.signInThrottle = signInThrottle
        self.passwordPolicy = passwordPolicy
        self.accountEmailsPerHour = accountEmailsPerHour
        self.requireVerifiedEmail = requireVerifiedEmail
        self.publicBaseURL = publicBaseURL
        self.emailChangeCancelLifetime = emailChangeCancelLifetime
        self.registrationConcealsExisting = registrationConcealsExisting
    }
}

/// Where a request came from, for sessions and the audit log.
public struct RequestOrigin: Sendable, Equatable {
    public var clientAddress: String?
    public var userAgent: String?
    public var requestID: String?

    public init(clientAddress: String? = nil, userAgent: String? = nil, requestID: String? = nil) {
        self.clientAddress = clientAddress
        self.userAgent = userAgent
        self.requestID = requestID
    }
}

/// The authenticated caller: an active user in a live session.
public struct Principal: Sendable, Equatable {
    public let user: User
    public let sessionID: UUID

    public init(user: User, sessionID: UUID) {
        self.user = user
        self.sessionID = sessionID
    }

    public func allows(_ permission: Permission) -> Bool {
        user.role.allows(permission)
    }

    /// Throws `.forbidden` unless the caller's role grants `permission`.
    func require(_ permission: Permission) throws(DomainError) {
        guard allows(permission) else { throw .forbidden("You do not have permission to do this") }
    }
}

/// What signing in yields: the access token for API calls and the refresh token that renews it.
public struct TokenPair: Sendable, Equatable {
    public let accessToken: String
    public let refreshToken: String

    public init(accessToken: String, refreshToken: String) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
    }
}

/// A signed-in user with fresh tokens (registration and login).
public struct Authentication: Sendable, Equatable {
    public let user: User
    public let tokens: TokenPair

    public init(user: User, tokens: TokenPair) {
        self.user = user
        self.tokens = tokens
    }
}
