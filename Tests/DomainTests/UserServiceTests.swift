import Domain
import Foundation
import TestSupport
import Testing

@Suite struct UserServiceTests {
    let origin = RequestOrigin(clientAddress: "192.0.2.44", requestID: "req-admin")
    let firstPage = PageRequest(page: 1, limit: 10)

    @Test func aUserCannotGiveThemselvesARole() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")

        let error = await #expect(throws: DomainError.self) {
            try await fixture.users.updateMe(UserService.ProfileChange(name: .value("Ada"), unknownFields: ["role"]), principal, origin: origin)
        }

        #expect(error?.fields == ["role"])
        #expect(try await fixture.database.users.find(id: principal.user.id)?.role == .user)
    }

    @Test func aUserChangesTheirName() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")

        let user = try await fixture.users.updateMe(UserService.ProfileChange(name: .value("  Ada L.  ")), principal, origin: origin)

        #expect(user.name == "Ada L.")
        #expect(try await fixture.database.users.find(id: principal.user.id)?.name == "Ada L.")
    }

    @Test func nonAdministratorsAreForbiddenEveryAdministrativeUseCase() async throws {
        let fixture = await IdentityFixture()
        let (user, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        let id = user.user.id.uuidString
        let forbidden = DomainError.forbidden("You do not have permission to do this")

        await #expect(throws: forbidden) { try await fixture.users.list(search: nil, role: nil, page: firstPage, user) }
        await #expect(throws: forbidden) { try await fixture.users.get(id: id, user) }
        await #expect(throws: forbidden) {
            try await fixture.users.update(id: id, UserService.AdminChange(role: .value("admin")), user, origin: origin)
        }
        await #expect(throws: forbidden) { try await fixture.users.delete(id: id, user, origin: origin) }
        await #expect(throws: forbidden) { try await fixture.users.unlock(id: id, user, origin: origin) }
        await #expect(throws: forbidden) { try await fixture.users.auditEvents(filter: AuditFilter(), page: firstPage, user) }
        #expect(try await fixture.database.users.find(id: user.user.id)?.role == .user)
    }

    @Test func administratorsListAndFilterUsers() async throws {
        let fixture = await IdentityFixture()
        let (admin, _) = try await fixture.verifiedUser("Root", email: "root@example.com", role: .admin)
        try await fixture.register("Ada Lovelace", email: "ada@example.com")
        try await fixture.register("Bob", email: "bob@example.com")

        let all = try await fixture.users.list(search: nil, role: nil, page: firstPage, admin)
        let admins = try await fixture.users.list(search: nil, role: "admin", page: firstPage, admin)
        let found = try await fixture.users.list(search: "LOVE", role: nil, page: firstPage, admin)

        #expect(all.total == 3)
        #expect(admins.items.map(\.email) == ["root@example.com"])
        #expect(found.items.map(\.email) == ["ada@example.com"])
        await #expect(throws: DomainError.self) { try await fixture.users.list(search: nil, role: "owner", page: firstPage, admin) }
    }

    @Test func disablingAnAccountEndsItsSessionsAtOnceAndIsAudited() async throws {
        let fixture = await IdentityFixture()
        let (admin, _) = try await fixture.verifiedUser("Root", email: "root@example.com", role: .admin)
        let ada = try await fixture.register("Ada", email: "ada@example.com")

        let updated = try await fixture.users.update(
            id: ada.user.id.uuidString, UserService.AdminChange(isActive: .value(false)), admin, origin: origin
        )

        #expect(!updated.isActive)
        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: ada.tokens.accessToken) }
        await #expect(throws: DomainError.unauthenticated) {
            try await fixture.auth.refresh(refreshToken: .value(ada.tokens.refreshToken), origin: origin)
        }
        let events = try await fixture.users.auditEvents(
            filter: AuditFilter(actorID: admin.user.id, action: "admin.user_update"), page: firstPage, admin)
        #expect(events.items.first?.targetID == ada.user.id.uuidString.lowercased())
        #expect(events.items.first?.requestID == "req-admin")
    }

    @Test func promotionTakesEffectOnTheNextRequest() async throws {
        let fixture = await IdentityFixture()
        let (admin, _) = try await fixture.verifiedUser("Root", email: "root@example.com", role: .admin)
        let ada = try await fixture.register("Ada", email: "ada@example.com")

        _ = try await fixture.users.update(id: ada.user.id.uuidString, UserService.AdminChange(role: .value("admin")), admin, origin: origin)

        #expect(try await fixture.auth.authenticate(accessToken: ada.tokens.accessToken).user.role == .admin)
    }

    @Test func administratorsCannotDemoteDisableOrDeleteThemselves() async throws {
        let fixture = await IdentityFixture()
        let (admin, _) = try await fixture.verifiedUser("Root", email: "root@example.com", role: .admin)
        let id = admin.user.id.uuidString

        await #expect(throws: DomainError.self) {
            try await fixture.users.update(id: id, UserService.AdminChange(role: .value("user")), admin, origin: origin)
        }
        await #expect(throws: DomainError.self) {
            try await fixture.users.update(id: id, UserService.AdminChange(isActive: .value(false)), admin, origin: origin)
        }
        await #expect(throws: DomainError.self) { try await fixture.users.delete(id: id, admin, origin: origin) }
        #expect(try await fixture.database.users.find(id: admin.user.id)?.role == .admin)
    }

    @Test func deletingAnAccountHidesItEndsItsSessionsAndFreesItsEmail() async throws {
        let fixture = await IdentityFixture()
        let (admin, _) = try await fixture.verifiedUser("Root", email: "root@example.com", role: .admin)
        let ada = try await fixture.register("Ada", email: "ada@example.com")

        try await fixture.users.delete(id: ada.user.id.uuidString, admin, origin: origin)

        await #expect(throws: DomainError.notFound(resource: "User")) { try await fixture.users.get(id: ada.user.id.uuidString, admin) }
        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: ada.tokens.accessToken) }
        try await fixture.register("Ada again", email: "ada@example.com")
    }

    @Test func administratorsSeeTheThrottleAndUnlockingForgetsTheFailures() async throws {
        let fixture = await IdentityFixture()
        let (admin, _) = try await fixture.verifiedUser("Root", email: "root@example.com", role: .admin)
        let ada = try await fixture.register("Ada", email: "ada@example.com")
        for _ in 0..<3 { _ = try? await fixture.auth.login(email: .value("ada@example.com"), password: .value("Wrong1234"), origin: origin) }
        let id = ada.user.id.uuidString

        let throttled = try await fixture.users.get(id: id, admin)
        let listed = try await fixture.users.list(search: "ada@", role: nil, page: PageRequest(page: 1, limit: 10), admin).items
        let renamed = try await fixture.users.update(id: id, UserService.AdminChange(name: .value("Ada L.")), admin, origin: origin)
        let unlocked = try await fixture.users.unlock(id: id, admin, origin: origin)

        #expect(throttled.failedLoginAttempts == 3)
        #expect(renamed.failedLoginAttempts == 3 && renamed.lockedUntil == throttled.lockedUntil)
        #expect(throttled.lockedUntil == fixture.clock.now().truncatedToMilliseconds.addingTimeInterval(1))
        #expect(listed.map(\.failedLoginAttempts) == [3])
        #expect(unlocked.failedLoginAttempts == 0)
        #expect(unlocked.lockedUntil == nil)
        _ = try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Passw0rd!"), origin: origin)
        let events = try await fixture.database.auditLog.list(filter: AuditFilter(action: "admin.user_unlock"), page: PageRequest(page: 1, limit: 10))
        #expect(events.items.count == 1)
    }

    @Test func createAdministratorMakesAVerifiedAdmin() async throws {
        let fixture = await IdentityFixture()

        let admin = try await fixture.users.createAdministrator(name: "Root", email: "Root@Example.com", password: "Adm1nPassword")

        #expect(admin.role == .admin)
        #expect(admin.emailVerified)
        #expect(admin.email == "root@example.com")
        await #expect(throws: DomainError.self) {
            try await fixture.users.createAdministrator(name: "Root", email: "x@example.com", password: "weak")
        }
    }
}
