import Domain
import Foundation

extension DomainError {
    /// The fields a validation error names.
    var fields: [String] {
        guard case .validation(let problems) = self else { return [] }
        return problems.map(\.field)
    }
}

/// A signed-in, verified user with id number `number`.
func principal(number: Int, role: Role, verified: Bool = true) -> Principal {
    let id = UUID(uuidString: String(format: "00000000-0000-7000-8000-%012x", number))!
    let epoch = Date(timeIntervalSince1970: 1_700_000_000)
    let user = User(
        id: id, name: "user \(number)", email: "user\(number)@example.com", role: role, passwordHash: "x",
        emailVerifiedAt: verified ? epoch : nil, passwordChangedAt: epoch, createdAt: epoch, updatedAt: epoch
    )
    return Principal(user: user, sessionID: id)
}
