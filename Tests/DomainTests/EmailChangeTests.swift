import Domain
import Foundation
import TestSupport
import Testing

/// Secure email change: re-authentication, the notice to the address being replaced, and its cancel link.
@Suite struct EmailChangeTests {
    let origin = RequestOrigin(clientAddress: "192.0.2.1")

    private func change(_ fixture: IdentityFixture, _ principal: Principal, to email: String, password: String? = "Passw0rd!") async throws -> User {
        try await fixture.users.updateMe(
            UserService.ProfileChange(email: .value(email), currentPassword: password.map { .value($0) } ?? .absent), principal, origin: origin)
    }

    @Test func anEmailChangeNeedsTheCurrentPasswordAndANameChangeDoesNot() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")

        await #expect(throws: DomainError.validation([FieldError(field: "currentPassword", message: "currentPassword is required")])) {
            try await change(fixture, principal, to: "thief@evil.example", password: nil)
        }
        await #expect(throws: DomainError.validation([FieldError(field: "currentPassword", message: "currentPassword is incorrect")])) {
            try await change(fixture, principal, to: "thief@evil.example", password: "Wrong1234")
        }
        let renamed = try await fixture.users.updateMe(UserService.ProfileChange(name: .value("Ada L.")), principal, origin: origin)

        #expect(renamed.name == "Ada L.")
        let stored = try await fixture.database.users.find(id: principal.user.id)
        #expect(stored?.pendingEmail == nil)
        try await fixture.deliverEmails()
        #expect(await fixture.mailer.sent.allSatisfy { $0.to != "thief@evil.example" })
    }

    @Test func wrongCurrentPasswordsAreThrottledLikeWrongSignIns() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")

        var throttled = false
        for _ in 0..<10 {
            do {
                _ = try await change(fixture, principal, to: "thief@evil.example", password: "Wrong1234")
            } catch DomainError.rateLimited {
                throttled = true
            } catch DomainError.validation {}
        }

        #expect(throttled)
        #expect(fixture.hasher.counts.verifications < 10)
    }

    @Test func theOldAddressGetsALinkThatDropsAPendingChangeAndEndsEverySession() async throws {
        let fixture = await IdentityFixture()
        let (principal, registered) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        let other = try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Passw0rd!"), origin: origin)

        _ = try await change(fixture, principal, to: "thief@evil.example")
        let confirm = try #require(try await fixture.token(sentTo: "thief@evil.example", path: "verify-email"))
        let notice = try #require(await fixture.mailer.sent.last(where: { $0.to == "ada@example.com" }))
        let cancel = try #require(try await fixture.token(sentTo: "ada@example.com", path: "cancel-email-change"))
        try await fixture.auth.cancelEmailChange(token: .value(cancel), origin: origin)

        #expect(notice.subject == "Your email address is being changed")
        #expect(notice.text.contains("thief@evil.example"))
        let user = try #require(try await fixture.database.users.find(id: principal.user.id))
        #expect(user.email == "ada@example.com" && user.pendingEmail == nil)
        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: other.tokens.accessToken) }
        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: registered.tokens.accessToken) }
        await #expect(throws: DomainError.self) { try await fixture.auth.verifyEmail(token: .value(confirm), origin: origin) }
        await #expect(throws: DomainError.self) { try await fixture.auth.cancelEmailChange(token: .value(cancel), origin: origin) }
        let events = try await fixture.database.auditLog.list(
            filter: AuditFilter(action: "user.email_change_cancel"), page: PageRequest(page: 1, limit: 10))
        // The use, and the refused reuse.
        #expect(events.items.map(\.outcome.rawValue).sorted() == ["failure", "success"])
        #expect(events.items.first { $0.outcome == .success }?.detail == "pending change dropped; password retired; 2 sessions ended")
    }

    @Test func theLinkPutsTheOldAddressBackAfterTheChangeWasConfirmed() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        _ = try await change(fixture, principal, to: "thief@evil.example")
        let confirm = try #require(try await fixture.token(sentTo: "thief@evil.example", path: "verify-email"))
        _ = try await fixture.auth.verifyEmail(token: .value(confirm), origin: origin)
        let thief = try await fixture.auth.login(email: .value("thief@evil.example"), password: .value("Passw0rd!"), origin: origin)
        try await fixture.auth.forgotPassword(email: .value("thief@evil.example"), origin: origin)
        let thiefReset = try #require(try await fixture.token(sentTo: "thief@evil.example", path: "reset-password"))
        fixture.clock.advance(by: 600)

        let cancel = try #require(try await fixture.token(sentTo: "ada@example.com", path: "cancel-email-change"))
        try await fixture.auth.cancelEmailChange(token: .value(cancel), origin: origin)

        let user = try #require(try await fixture.database.users.find(id: principal.user.id))
        #expect(user.email == "ada@example.com" && user.pendingEmail == nil && user.emailVerified)
        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: thief.tokens.accessToken) }
        await #expect(throws: DomainError.self) { try await fixture.auth.refresh(refreshToken: .value(thief.tokens.refreshToken), origin: origin) }
        await #expect(throws: DomainError.self) {
            try await fixture.auth.resetPassword(token: .value(thiefReset), newPassword: .value("Th1efPassword"), origin: origin)
        }
        // Whoever asked for the change knew the password: it no longer signs in, and the owner picks a new one through
        // a reset link sent to the restored address.
        await #expect(throws: DomainError.unauthenticated) {
            try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Passw0rd!"), origin: origin)
        }
        try await fixture.auth.forgotPassword(email: .value("ada@example.com"), origin: origin)
        let reset = try #require(try await fixture.token(sentTo: "ada@example.com", path: "reset-password"))
        try await fixture.auth.resetPassword(token: .value(reset), newPassword: .value("N3wPassword"), origin: origin)
        _ = try await fixture.auth.login(email: .value("ada@example.com"), password: .value("N3wPassword"), origin: origin)
    }

    @Test func anAccountRegisteredWithTheFreedAddressDoesNotKeepItFromTheOwnersCancel() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        let veteran = try await fixture.register("Old", email: "veteran@example.com")
        _ = try await change(fixture, principal, to: "thief@evil.example")
        let confirm = try #require(try await fixture.token(sentTo: "thief@evil.example", path: "verify-email"))
        _ = try await fixture.auth.verifyEmail(token: .value(confirm), origin: origin)
        // The thief registers a second account with the address the change freed, to keep the owner from it.
        fixture.clock.advance(by: 60)
        let squatter = try await fixture.register("Squatter", email: "ada@example.com")

        let cancel = try #require(try await fixture.token(sentTo: "ada@example.com", path: "cancel-email-change"))
        try await fixture.auth.cancelEmailChange(token: .value(cancel), origin: origin)

        let owner = try #require(try await fixture.database.users.find(id: principal.user.id))
        #expect(owner.email == "ada@example.com")
        #expect(try await fixture.database.users.find(id: squatter.user.id) == nil)
        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: squatter.tokens.accessToken) }
        // An account that held its address before the change began is left alone.
        #expect(try await fixture.database.users.find(id: veteran.user.id)?.email == "veteran@example.com")
    }

    @Test func theLinkExpiresWithItsWindow() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        _ = try await change(fixture, principal, to: "ada@new.example")
        let cancel = try #require(try await fixture.token(sentTo: "ada@example.com", path: "cancel-email-change"))

        fixture.clock.advance(by: fixture.dependencies.settings.emailChangeCancelLifetime + 1)

        await #expect(throws: DomainError.validation([FieldError(field: "token", message: "token is invalid or has expired")])) {
            try await fixture.auth.cancelEmailChange(token: .value(cancel), origin: origin)
        }
    }

    @Test func theOldestCancelLinkWinsOverLinksSentToTheTakenOverAddress() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        _ = try await change(fixture, principal, to: "thief@evil.example")
        let owners = try #require(try await fixture.token(sentTo: "ada@example.com", path: "cancel-email-change"))
        let confirm = try #require(try await fixture.token(sentTo: "thief@evil.example", path: "verify-email"))
        _ = try await fixture.auth.verifyEmail(token: .value(confirm), origin: origin)
        // The thief, now holding the account's address, asks for two more changes: their links go to the thief.
        var thiefLinks: [String] = []
        for target in ["one@evil.example", "two@evil.example"] {
            fixture.clock.advance(by: 60)
            let signedIn = try await fixture.auth.login(email: .value("thief@evil.example"), password: .value("Passw0rd!"), origin: origin)
            _ = try await change(fixture, try await fixture.auth.authenticate(accessToken: signedIn.tokens.accessToken), to: target)
            thiefLinks.append(try #require(try await fixture.token(sentTo: "thief@evil.example", path: "cancel-email-change")))
        }
        #expect(Set(thiefLinks).count == 2)

        // Using one of their own links first does not retire the owner's, which is older.
        try await fixture.auth.cancelEmailChange(token: .value(thiefLinks[0]), origin: origin)
        try await fixture.auth.cancelEmailChange(token: .value(owners), origin: origin)
        await #expect(throws: DomainError.self) { try await fixture.auth.cancelEmailChange(token: .value(thiefLinks[1]), origin: origin) }

        #expect(try await fixture.database.users.find(id: principal.user.id)?.email == "ada@example.com")
    }

    @Test func emailChangesAreLimitedToTheHourlyAllowanceWhateverTheAddress() async throws {
        let fixture = await IdentityFixture(settings: IdentitySettings(accountEmailsPerHour: 2, publicBaseURL: "https://app.example.com"))
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        try await fixture.register("Bob", email: "bob@example.com")

        _ = try await change(fixture, principal, to: "one@example.com")
        _ = try await change(fixture, principal, to: "bob@example.com")

        await #expect(throws: DomainError.rateLimited(retryAfterSeconds: 3600)) {
            try await change(fixture, principal, to: "two@example.com")
        }
        let refused = try await fixture.database.auditLog.list(
            filter: AuditFilter(action: "user.email_change_request"), page: PageRequest(page: 1, limit: 10)
        ).items.filter { $0.outcome == .failure }
        #expect(refused.map(\.detail) == ["too many email changes"])
        fixture.clock.advance(by: 3600)
        _ = try await change(fixture, principal, to: "two@example.com")
    }
}
