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

    public static let queue = "email"

    public enum Kind: String, Sendable, CaseIterable {
        case verification = "email.verification"
        case passwordReset = "email.password_reset"
        case passwordChanged = "email.password_changed"
        case emailChanged = "email.email_changed"
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
        case nil:
            return nil
        }
    }
}
