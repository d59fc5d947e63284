import Domain
import Foundation
import Synchronization
import TestSupport
import Testing

/// A password reset whose last step fails, on every adapter: the transaction must take back the steps before it
/// (the token used, the password changed), so the user can simply try again.
@Suite struct ResetRollbackDrillTests {
    @Test(arguments: StoreKind.allCases)
    func aResetWhoseLastStepFailsLeavesTheTokenThePasswordAndTheSessionsAsTheyWere(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let unitOfWork = SessionsFailingUnitOfWork(base: store.unitOfWork)
            let identity = await StoreIdentityFixture(
                users: store.users, sessions: store.sessions, oneTimeTokens: store.oneTimeTokens, auditLog: store.auditLog, outbox: store.outbox,
                unitOfWork: unitOfWork
            )
            let registered = try await identity.auth.register(
                AuthService.Registration(name: .value("Ada"), email: .value("ada@example.com"), password: .value("Passw0rd!")),
                origin: RequestOrigin()
            )
            try await identity.auth.forgotPassword(email: .value("ada@example.com"), origin: RequestOrigin())
            let token = try #require(try await identity.token(sentTo: "ada@example.com", path: "reset-password"))
            let before = try #require(try await store.users.find(id: registered.user.id))

            unitOfWork.failRevokeAll(true)
            await #expect(throws: DrillFailure.self) {
                try await identity.auth.resetPassword(token: .value(token), newPassword: .value("N3wPassword!"), origin: RequestOrigin())
            }

            #expect(try await store.users.find(id: registered.user.id) == before)
            #expect(try await store.sessions.listAlive(userID: registered.user.id, now: identity.clock.now()).count == 1)
            unitOfWork.failRevokeAll(false)
            try await identity.auth.resetPassword(token: .value(token), newPassword: .value("N3wPassword!"), origin: RequestOrigin())
            #expect(try await store.users.find(id: registered.user.id)?.passwordHash == "fake-v2:N3wPassword!")
            #expect(try await store.sessions.listAlive(userID: registered.user.id, now: identity.clock.now()).isEmpty)
        }
    }
}

struct DrillFailure: Error {}

/// Wraps a unit of work so that, on cue, `sessions.revokeAll` inside its transactions throws after the steps before it
/// were written.
final class SessionsFailingUnitOfWork: UnitOfWork {
    let base: any UnitOfWork
    private let failing = Atomic(false)

    init(base: any UnitOfWork) {
        self.base = base
    }

    func failRevokeAll(_ fail: Bool) {
        failing.store(fail, ordering: .relaxed)
    }

    func transaction<T: Sendable>(_ work: @Sendable (Repositories) async throws -> T) async throws -> T {
        let failing = failing.load(ordering: .relaxed)
        return try await base.transaction { repositories in
            var changed = repositories
            if failing { changed.sessions = RevokeAllFailingSessions(base: repositories.sessions) }
            return try await work(changed)
        }
    }
}

/// A session repository whose `revokeAll` throws `DrillFailure`; everything else goes to `base`.
private struct RevokeAllFailingSessions: SessionRepository {
    let base: any SessionRepository

    func revokeAll(userID: UUID, except: UUID?, at: Date, reason: String) async throws -> Int { throw DrillFailure() }

    func insert(_ session: Session) async throws { try await base.insert(session) }
    func find(id: UUID) async throws -> Session? { try await base.find(id: id) }
    func find(sessionID: UUID, userID: UUID) async throws -> (session: Session, user: User)? {
        try await base.find(sessionID: sessionID, userID: userID)
    }
    func find(refreshTokenDigest: String) async throws -> Session? { try await base.find(refreshTokenDigest: refreshTokenDigest) }
    func find(retiredTokenDigest: String) async throws -> Session? { try await base.find(retiredTokenDigest: retiredTokenDigest) }
    func rotate(from current: String, to next: String, now: Date, expiresAt: Date) async throws -> Session? {
        try await base.rotate(from: current, to: next, now: now, expiresAt: expiresAt)
    }
    func revoke(id: UUID, at: Date, reason: String) async throws -> Bool { try await base.revoke(id: id, at: at, reason: reason) }
    func listAlive(userID: UUID, now: Date) async throws -> [Session] { try await base.listAlive(userID: userID, now: now) }
    func purge(endedBefore date: Date) async throws -> Int { try await base.purge(endedBefore: date) }
}
