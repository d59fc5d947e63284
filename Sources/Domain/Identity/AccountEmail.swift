import Foundation

/// The emails sent about an account, each as a job on the `email` queue. Payloads carry ids and addresses, never a
/// secret: the worker mints one-time tokens when it sends, so the request path costs the same whether or not an
/// account exists.
public enum AccountEmail: Sendable, Equatable {
    /// A link proving the user's pending address (or, while unverified, their address).
    case verification(userID: UUID)
    /// A reset link for the live account with this address, if there is one.
    case passwordReset(email: String)
    /// A notice that the password was changed or reset.
    case passwordChanged(userID: UUID)
    /// A notice, to the address being replaced, that the account's email changed.
    case emailChanged(userID: UUID, previousEmail: String)
    /// A notice, to the address an email change would replace, with a link that undoes the change and ends every
    /// session; the link's window starts when the change was asked for (`requestedAt`).
    case emailChangeRequested(userID: UUID, previousEmail: String, newEmail: String, requestedAt: Date)
    /// A notice, to the owner of a taken address, that someone tried to register a new account with it.
    case registrationAttempt(email: String)

    public static let queue = "email"

    public enum Kind: String, Sendable, CaseIterable {
        case verification = "email.verification"
        case passwordReset = "email.password_reset"
        case passwordChanged = "email.password_changed"
        case emailChanged = "email.email_changed"
        case emailChangeRequested = "email.email_change_requested"
        case registrationAttempt = "email.registration_attempt"
    }

    func jobRequest(id: UUID) -> JobRequest {
        switch self {
        case .verification(let userID):
            JobRequest(id: id, queue: Self.queue, kind: Kind.verification.rawValue, payload: ["userId": userID.uuidString.lowercased()])
        case .passwordReset(let email):
            JobRequest(id: id, queue: Self.queue, kind: Kind.passwordReset.rawValue, payload: ["email": email])
        case .passwordChanged(let userID):
            JobRequest(id: id, queue: Self.queue, kind: Kind.passwordChanged.rawValue, payload: ["userId": userID.uuidString.lowercased()])
        case .emailChanged(let userID, let previousEmail):
            JobRequest(
                id: id, queue: Self.queue, kind: Kind.emailChanged.rawValue,
                payload: ["userId": userID.uuidString.lowercased(), "previousEmail": previousEmail]
            )
        case .emailChangeRequested(let userID, let previousEmail, let newEmail, let requestedAt):
            JobRequest(
                id: id, queue: Self.queue, kind: Kind.emailChangeRequested.rawValue,
                payload: [
                    "userId": userID.uuidString.lowercased(), "previousEmail": previousEmail, "newEmail": newEmail,
                    "requestedAt": String(Int64((requestedAt.timeIntervalSince1970 * 1000).rounded())),
                ]
            )
        case .registrationAttempt(let email):
            JobRequest(id: id, queue: Self.queue, kind: Kind.registrationAttempt.rawValue, payload: ["email": email])
        }
    }

    /// Reads the email a job asks for; nil when the job is not a well-formed account email.
    init?(job: Job) {
        let userID = job.payload["userId"].flatMap(UUID.init(uuidString:))
        switch Kind(rawValue: job.kind) {
        case .verification?:
            guard let userID else { return nil }
            self = .verification(userID: userID)
        case .passwordReset?:
            guard let email = job.payload["email"] else { return nil }
            self = .passwordReset(email: email)
        case .passwordChanged?:
            guard let userID else { return nil }
            self = .passwordChanged(userID: userID)
        case .emailChanged?:
            guard let userID, let previous = job.payload["previousEmail"] else { return nil }
            self = .emailChanged(userID: userID, previousEmail: previous)
        case .emailChangeRequested?:
            guard let userID, let previous = job.payload["previousEmail"], let new = job.payload["newEmail"],
                let milliseconds = job.payload["requestedAt"].flatMap(Int64.init)
            else { return nil }
            let requestedAt = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            self = .emailChangeRequested(userID: userID, previousEmail: previous, newEmail: new, requestedAt: requestedAt)
        case .registrationAttempt?:
            guard let email = job.payload["email"] else { return nil }
            self = .registrationAttempt(email: email)
        case nil:
            return nil
        }
    }
}
