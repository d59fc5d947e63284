import Domain
import Foundation
import TestSupport
import Testing

/// `REGISTRATION_CONCEALS_EXISTING`: registration that tells nobody whether an address has an account.
@Suite struct RegistrationConcealmentTests {
    let origin = RequestOrigin(clientAddress: "192.0.2.1")

    private func registration(_ email: String, name: String = "Someone") -> AuthService.Registration {
        AuthService.Registration(name: .value(name), email: .value(email), password: .value("Passw0rd!"))
    }

    @Test func aTakenAddressIsAnsweredLikeANewOneAndItsOwnerIsTold() async throws {
        let fixture = await IdentityFixture(settings: IdentitySettings(publicBaseURL: "https://app.example.com", registrationConcealsExisting: true))
        let (owner, _) = try await fixture.verifiedUser("Bob", email: "bob@example.com")
        try await fixture.deliverEmails()
        let (mailBefore, hashesBefore) = (await fixture.mailer.sent.count, fixture.hasher.counts.hashes)

        try await fixture.auth.registerConcealingExisting(registration("BOB@example.com", name: "Mallory"), origin: origin)
        let takenQueued = try await fixture.dependencies.outbox.next(limit: 10).map(\.kind)
        try await fixture.deliverEmails()
        try await fixture.auth.registerConcealingExisting(registration("new@example.com"), origin: origin)
        let newQueued = try await fixture.dependencies.outbox.next(limit: 10).map(\.kind)

        // Both did the same work: one hash, one queued email.
        #expect(fixture.hasher.counts.hashes - hashesBefore == 2)
        #expect(takenQueued.count == 1 && newQueued.count == 1)
        let sent = await fixture.mailer.sent.dropFirst(mailBefore)
        #expect(sent.map(\.to) == ["bob@example.com"])
        #expect(sent.first?.subject == "Someone tried to register with your email address")
        #expect(sent.first?.text.contains("token=") == false)
        // The owner's account is untouched; the new address has an account waiting for its link, and no session.
        #expect(try await fixture.database.users.find(id: owner.user.id)?.name == "Bob")
        let created = try #require(try await fixture.database.users.find(email: "new@example.com"))
        #expect(try await fixture.database.sessions.listAlive(userID: created.id, now: fixture.clock.now()).isEmpty)
        let link = try #require(try await fixture.token(sentTo: "new@example.com", path: "verify-email"))
        _ = try await fixture.auth.verifyEmail(token: .value(link), origin: origin)
        _ = try await fixture.auth.login(email: .value("new@example.com"), password: .value("Passw0rd!"), origin: origin)
    }

    @Test func theOwnerIsToldAtMostTheHourlyAllowance() async throws {
        let settings = IdentitySettings(accountEmailsPerHour: 2, publicBaseURL: "https://app.example.com", registrationConcealsExisting: true)
        let fixture = await IdentityFixture(settings: settings)
        try await fixture.register("Bob", email: "bob@example.com")
        try await fixture.deliverEmails()
        let before = await fixture.mailer.sent.count

        for _ in 0..<5 { try await fixture.auth.registerConcealingExisting(registration("bob@example.com"), origin: origin) }
        try await fixture.deliverEmails()

        #expect(await fixture.mailer.sent.count - before == 2)
    }

    @Test func withoutTheSettingATakenAddressIsStillAConflict() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Bob", email: "bob@example.com")

        #expect(fixture.auth.concealsExistingAccounts == false)
        await #expect(throws: DomainError.self) { try await fixture.auth.register(registration("bob@example.com"), origin: origin) }
    }
}
