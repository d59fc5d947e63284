import Domain
import Foundation
import TestSupport
import Testing

@Suite struct PasswordResetTests {
    let origin = RequestOrigin(clientAddress: "192.0.2.1")

    @Test func forgottenPasswordResetEndsEverySessionAndTheNewPasswordWorks() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")

        try await fixture.auth.forgotPassword(email: .value("ada@example.com"), origin: origin)
        let token = try #require(try await fixture.token(sentTo: "ada@example.com", path: "reset-password"))
        try await fixture.auth.resetPassword(token: .value(token), newPassword: .value("N3wPassword"), origin: origin)

        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: registered.tokens.accessToken) }
        await #expect(throws: DomainError.unauthenticated) {
            try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Passw0rd!"), origin: origin)
        }
        _ = try await fixture.auth.login(email: .value("ada@example.com"), password: .value("N3wPassword"), origin: origin)
        try await fixture.deliverEmails()
        #expect(await fixture.mailer.sent.contains { $0.subject == "Your password was changed" })
    }

    @Test func aResetTokenWorksOnce() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        try await fixture.auth.forgotPassword(email: .value("ada@example.com"), origin: origin)
        let token = try #require(try await fixture.token(sentTo: "ada@example.com", path: "reset-password"))

        try await fixture.auth.resetPassword(token: .value(token), newPassword: .value("N3wPassword"), origin: origin)
        let error = await #expect(throws: DomainError.self) {
            try await fixture.auth.resetPassword(token: .value(token), newPassword: .value("An0therPass"), origin: origin)
        }
        #expect(error?.fields == ["token"])
    }

    @Test func aResetTokenExpires() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        try await fixture.auth.forgotPassword(email: .value("ada@example.com"), origin: origin)
        let token = try #require(try await fixture.token(sentTo: "ada@example.com", path: "reset-password"))
        fixture.clock.advance(by: 3601)

        let error = await #expect(throws: DomainError.self) {
            try await fixture.auth.resetPassword(token: .value(token), newPassword: .value("N3wPassword"), origin: origin)
        }
        #expect(error?.fields == ["token"])
    }

    @Test func aNewerLinkRetiresTheOlderOne() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        try await fixture.auth.forgotPassword(email: .value("ada@example.com"), origin: origin)
        let first = try #require(try await fixture.token(sentTo: "ada@example.com", path: "reset-password"))
        try await fixture.auth.forgotPassword(email: .value("ada@example.com"), origin: origin)
        let second = try #require(try await fixture.token(sentTo: "ada@example.com", path: "reset-password"))

        await #expect(throws: DomainError.self) {
            try await fixture.auth.resetPassword(token: .value(first), newPassword: .value("N3wPassword"), origin: origin)
        }
        try await fixture.auth.resetPassword(token: .value(second), newPassword: .value("N3wPassword"), origin: origin)
    }

    @Test func anUnknownEmailIsAnsweredTheSameAndSendsNothing() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        try await fixture.deliverEmails()
        let before = await fixture.mailer.sent.count

        try await fixture.auth.forgotPassword(email: .value("nobody@example.com"), origin: origin)
        try await fixture.deliverEmails()

        #expect(await fixture.mailer.sent.count == before)
    }

    @Test func aWeakNewPasswordIsRefusedBeforeTheTokenIsUsed() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        try await fixture.auth.forgotPassword(email: .value("ada@example.com"), origin: origin)
        let token = try #require(try await fixture.token(sentTo: "ada@example.com", path: "reset-password"))

        let error = await #expect(throws: DomainError.self) {
            try await fixture.auth.resetPassword(token: .value(token), newPassword: .value("weak"), origin: origin)
        }
        #expect(error?.fields.allSatisfy { $0 == "newPassword" } == true)
        try await fixture.auth.resetPassword(token: .value(token), newPassword: .value("N3wPassword"), origin: origin)
    }

    @Test func changingThePasswordNeedsTheCurrentOneAndEndsOtherSessions() async throws {
        let fixture = await IdentityFixture()
        let first = try await fixture.register("Ada", email: "ada@example.com")
        let second = try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Passw0rd!"), origin: origin)
        let principal = try await fixture.auth.authenticate(accessToken: first.tokens.accessToken)

        let wrong = await #expect(throws: DomainError.self) {
            try await fixture.auth.changePassword(current: .value("Wrong1234"), new: .value("N3wPassword"), principal, origin: origin)
        }
        try await fixture.auth.changePassword(current: .value("Passw0rd!"), new: .value("N3wPassword"), principal, origin: origin)

        #expect(wrong?.fields == ["currentPassword"])
        #expect(try await fixture.auth.authenticate(accessToken: first.tokens.accessToken).user.passwordHash == "fake-v2:N3wPassword")
        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: second.tokens.accessToken) }
    }
}

@Suite struct EmailVerificationTests {
    let origin = RequestOrigin()

    @Test func followingTheLinkVerifiesTheAddressOnce() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        let token = try #require(try await fixture.token(sentTo: "ada@example.com", path: "verify-email"))

        let user = try await fixture.auth.verifyEmail(token: .value(token), origin: origin)
        let again = await #expect(throws: DomainError.self) { try await fixture.auth.verifyEmail(token: .value(token), origin: origin) }

        #expect(user.emailVerified)
        #expect(again?.fields == ["token"])
    }

    @Test func aVerificationLinkExpires() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        let token = try #require(try await fixture.token(sentTo: "ada@example.com", path: "verify-email"))
        fixture.clock.advance(by: 86_401)

        await #expect(throws: DomainError.self) { try await fixture.auth.verifyEmail(token: .value(token), origin: origin) }
    }

    @Test func resendingRetiresTheOldLinkAndVerifiedAccountsGetNone() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")
        let first = try #require(try await fixture.token(sentTo: "ada@example.com", path: "verify-email"))
        let principal = try await fixture.auth.authenticate(accessToken: registered.tokens.accessToken)

        try await fixture.auth.resendVerification(principal, origin: origin)
        let second = try #require(try await fixture.token(sentTo: "ada@example.com", path: "verify-email"))
        await #expect(throws: DomainError.self) { try await fixture.auth.verifyEmail(token: .value(first), origin: origin) }
        _ = try await fixture.auth.verifyEmail(token: .value(second), origin: origin)
        let verified = try await fixture.auth.authenticate(accessToken: registered.tokens.accessToken)

        await #expect(throws: DomainError.conflict("Email is already verified")) {
            try await fixture.auth.resendVerification(verified, origin: origin)
        }
    }

    @Test func anEmailChangeKeepsTheOldAddressUntilTheNewOneIsVerified() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")

        let pending = try await fixture.users.updateMe(
            UserService.ProfileChange(email: .value("ada@new.example"), currentPassword: .value("Passw0rd!")), principal, origin: origin)
        #expect(pending.email == "ada@example.com")
        #expect(pending.pendingEmail == "ada@new.example")
        _ = try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Passw0rd!"), origin: origin)

        let token = try #require(try await fixture.token(sentTo: "ada@new.example", path: "verify-email"))
        let changed = try await fixture.auth.verifyEmail(token: .value(token), origin: origin)

        #expect(changed.email == "ada@new.example")
        #expect(changed.pendingEmail == nil)
        _ = try await fixture.auth.login(email: .value("ada@new.example"), password: .value("Passw0rd!"), origin: origin)
        try await fixture.deliverEmails()
        #expect(await fixture.mailer.sent.contains { $0.to == "ada@example.com" && $0.subject == "Your email address was changed" })
    }

    @Test func anEmailChangeToATakenAddressLooksLikeAnyOtherAndTellsThatAddressInstead() async throws {
        let fixture = await IdentityFixture()
        let (ada, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        let (eve, _) = try await fixture.verifiedUser("Eve", email: "eve@example.com")
        try await fixture.register("Bob", email: "bob@example.com")
        try await fixture.deliverEmails()
        let before = await fixture.mailer.sent.count

        let taken = try await fixture.users.updateMe(
            UserService.ProfileChange(email: .value("BOB@example.com"), currentPassword: .value("Passw0rd!")), ada, origin: origin)
        let free = try await fixture.users.updateMe(
            UserService.ProfileChange(email: .value("eve@new.example"), currentPassword: .value("Passw0rd!")), eve, origin: origin)
        let queued = try await fixture.dependencies.outbox.next(limit: 10).map(\.kind)

        // The same answer and the same emails queued, whether or not the address has an account.
        #expect(taken.email == "ada@example.com" && taken.pendingEmail == "bob@example.com")
        #expect(free.email == "eve@example.com" && free.pendingEmail == "eve@new.example")
        #expect(queued == ["email.verification", "email.email_change_requested", "email.verification", "email.email_change_requested"])
        try await fixture.deliverEmails()
        let sent = await fixture.mailer.sent.dropFirst(before)
        #expect(sent.filter { $0.to == "bob@example.com" }.map(\.subject) == ["Someone tried to use your email address"])
        #expect(sent.contains { $0.to == "eve@new.example" && $0.subject == "Confirm your email address" })
        #expect(sent.allSatisfy { $0.to != "bob@example.com" || !$0.text.contains("token=") })
        #expect(sent.contains { $0.to == "ada@example.com" && $0.subject == "Your email address is being changed" })
        // The change was not made, and cannot be.
        #expect(try await fixture.database.users.find(email: "bob@example.com")?.name == "Bob")
        #expect(try await fixture.database.users.find(id: ada.user.id)?.email == "ada@example.com")
    }

    @Test func aLinkForAnAddressTakenMeanwhileIsAConflictAndChangesNothing() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        _ = try await fixture.users.updateMe(
            UserService.ProfileChange(email: .value("shared@example.com"), currentPassword: .value("Passw0rd!")), principal, origin: origin)
        let token = try #require(try await fixture.token(sentTo: "shared@example.com", path: "verify-email"))
        try await fixture.register("Bob", email: "shared@example.com")

        await #expect(throws: DomainError.conflict("Email is already registered")) {
            try await fixture.auth.verifyEmail(token: .value(token), origin: origin)
        }
        #expect(try await fixture.database.users.find(id: principal.user.id)?.email == "ada@example.com")
    }
}
