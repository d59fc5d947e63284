import Domain
import Foundation
import TestSupport
import Testing

/// The attacks the identity use cases must hold against, beyond the ordinary flows.
@Suite struct AttackerTests {
    let origin = RequestOrigin(clientAddress: "203.0.113.66")

    @Test func concurrentGuessesNeverCheckMorePasswordsThanTheThrottleAllows() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")

        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask { _ = try? await fixture.auth.login(email: .value("ada@example.com"), password: .value("Wrong1234"), origin: origin) }
            }
        }

        #expect(fixture.hasher.counts.verifications == 3)
        await #expect(throws: DomainError.rateLimited(retryAfterSeconds: 1)) {
            try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Passw0rd!"), origin: origin)
        }
    }

    @Test func aBurstOfCorrectLoginsToOneAccountAllSucceedAndCountsNoFailure() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        fixture.hasher.takeTime(verifying: .milliseconds(20))

        let outcomes = await withTaskGroup(of: String.self, returning: [String].self) { group in
            for _ in 0..<16 {
                group.addTask {
                    do {
                        _ = try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Passw0rd!"), origin: origin)
                        return "signed in"
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }

        #expect(outcomes == Array(repeating: "signed in", count: 16))
        // Every free failure is still there: three wrong passwords are answered 401, only the fourth must wait.
        for _ in 0..<3 {
            await #expect(throws: DomainError.unauthenticated) {
                try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Wrong1234"), origin: origin)
            }
        }
        await #expect(throws: DomainError.rateLimited(retryAfterSeconds: 1)) {
            try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Wrong1234"), origin: origin)
        }
    }

    @Test func concurrentSlowGuessesStillCheckNoMoreThanTheThrottleAllows() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        fixture.hasher.takeTime(verifying: .milliseconds(5))

        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask { _ = try? await fixture.auth.login(email: .value("ada@example.com"), password: .value("Wrong1234"), origin: origin) }
            }
        }

        #expect(fixture.hasher.counts.verifications == 3)
        await #expect(throws: DomainError.rateLimited(retryAfterSeconds: 1)) {
            try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Passw0rd!"), origin: origin)
        }
    }

    @Test func aPasswordResetCancelsAPendingEmailChangeAndItsLink() async throws {
        let fixture = await IdentityFixture()
        let (attacker, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        _ = try await fixture.users.updateMe(
            UserService.ProfileChange(email: .value("attacker@evil.example"), currentPassword: .value("Passw0rd!")), attacker, origin: origin)
        let changeLink = try #require(try await fixture.token(sentTo: "attacker@evil.example", path: "verify-email"))

        try await fixture.auth.forgotPassword(email: .value("ada@example.com"), origin: origin)
        let reset = try #require(try await fixture.token(sentTo: "ada@example.com", path: "reset-password"))
        try await fixture.auth.resetPassword(token: .value(reset), newPassword: .value("N3wPassword"), origin: origin)

        await #expect(throws: DomainError.self) { try await fixture.auth.verifyEmail(token: .value(changeLink), origin: origin) }
        let user = try await fixture.database.users.find(id: attacker.user.id)
        #expect(user?.email == "ada@example.com")
        #expect(user?.pendingEmail == nil)
    }

    @Test func revokingEverySessionCancelsAPendingEmailChange() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        _ = try await fixture.users.updateMe(
            UserService.ProfileChange(email: .value("attacker@evil.example"), currentPassword: .value("Passw0rd!")), principal, origin: origin)
        let changeLink = try #require(try await fixture.token(sentTo: "attacker@evil.example", path: "verify-email"))

        _ = try await fixture.auth.revokeAll(principal, origin: origin)

        await #expect(throws: DomainError.self) { try await fixture.auth.verifyEmail(token: .value(changeLink), origin: origin) }
        #expect(try await fixture.database.users.find(id: principal.user.id)?.pendingEmail == nil)
    }

    @Test func aResetLinkSentToTheOldAddressDiesWithIt() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        try await fixture.auth.forgotPassword(email: .value("ada@example.com"), origin: origin)
        let oldReset = try #require(try await fixture.token(sentTo: "ada@example.com", path: "reset-password"))
        _ = try await fixture.users.updateMe(
            UserService.ProfileChange(email: .value("ada@new.example"), currentPassword: .value("Passw0rd!")), principal, origin: origin)
        let verify = try #require(try await fixture.token(sentTo: "ada@new.example", path: "verify-email"))
        _ = try await fixture.auth.verifyEmail(token: .value(verify), origin: origin)

        await #expect(throws: DomainError.self) {
            try await fixture.auth.resetPassword(token: .value(oldReset), newPassword: .value("N3wPassword"), origin: origin)
        }
    }

    @Test func aPasswordChangeFromASessionEndedMeanwhileIsRefused() async throws {
        let fixture = await IdentityFixture()
        let (principal, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        _ = try await fixture.database.sessions.revoke(id: principal.sessionID, at: fixture.clock.now(), reason: "test")

        await #expect(throws: DomainError.unauthenticated) {
            try await fixture.auth.changePassword(current: .value("Passw0rd!"), new: .value("Att4ckerPass"), principal, origin: origin)
        }
        #expect(try await fixture.database.users.find(id: principal.user.id)?.passwordHash == "fake-v2:Passw0rd!")
    }

    @Test func aDisabledAccountCannotVerifyAnAddress() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")
        let token = try #require(try await fixture.token(sentTo: "ada@example.com", path: "verify-email"))
        var user = registered.user
        user.isActive = false
        _ = try await fixture.database.users.update(user)

        await #expect(throws: DomainError.self) { try await fixture.auth.verifyEmail(token: .value(token), origin: origin) }
    }

    @Test func theLastActiveAdministratorCannotBeDemotedOrDeleted() async throws {
        let fixture = await IdentityFixture()
        let (acting, _) = try await fixture.verifiedUser("Root", email: "root@example.com", role: .admin)
        let (other, _) = try await fixture.verifiedUser("Ops", email: "ops@example.com", role: .admin)
        // The acting administrator was disabled a moment ago by someone else: the other one is the last.
        var disabled = try #require(try await fixture.database.users.find(id: acting.user.id))
        disabled.isActive = false
        _ = try await fixture.database.users.update(disabled)
        let id = other.user.id.uuidString

        await #expect(throws: DomainError.conflict("At least one active administrator must remain")) {
            try await fixture.users.update(id: id, UserService.AdminChange(role: .value("user")), acting, origin: origin)
        }
        await #expect(throws: DomainError.conflict("At least one active administrator must remain")) {
            try await fixture.users.delete(id: id, acting, origin: origin)
        }
    }

    @Test func refusalsAreAuditedToo() async throws {
        let fixture = await IdentityFixture()
        let (user, _) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        _ = try? await fixture.register("Again", email: "ada@example.com")
        _ = try? await fixture.auth.resetPassword(token: .value("made-up-token"), newPassword: .value("N3wPassword"), origin: origin)
        _ = try? await fixture.auth.verifyEmail(token: .value("made-up-token"), origin: origin)
        _ = try? await fixture.users.update(id: user.user.id.uuidString, UserService.AdminChange(role: .value("admin")), user, origin: origin)

        let failures = try await fixture.database.auditLog.list(filter: AuditFilter(), page: PageRequest(page: 1, limit: 100)).items
            .filter { $0.outcome == .failure }
        let actions = failures.map(\.action)
        #expect(actions.contains("auth.register"))
        #expect(actions.contains("auth.password_reset"))
        #expect(actions.contains("auth.email_verify"))
        #expect(failures.contains { $0.action == "admin.user_update" && $0.actorID == user.user.id && $0.detail == "forbidden" })
    }

    @Test func aWrongCurrentPasswordIsAuditedAsAPasswordChangeAndIsThrottled() async throws {
        let fixture = await IdentityFixture()
        let (principal, registered) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        for _ in 0..<3 {
            _ = try? await fixture.auth.changePassword(current: .value("Wrong1234"), new: .value("N3wPassword"), principal, origin: origin)
        }

        await #expect(throws: DomainError.rateLimited(retryAfterSeconds: 1)) {
            try await fixture.auth.changePassword(current: .value("Wrong1234"), new: .value("N3wPassword"), principal, origin: origin)
        }
        let events = try await fixture.database.auditLog.list(
            filter: AuditFilter(action: "auth.password_change"), page: PageRequest(page: 1, limit: 10))
        #expect(events.items.filter { $0.outcome == .failure }.count == 4)
        #expect(fixture.hasher.counts.verifications == 3)
        #expect(try await fixture.auth.authenticate(accessToken: registered.tokens.accessToken).user.id == principal.user.id)
    }
}

@Suite struct AccountEmailAllowanceTests {
    @Test func forgotPasswordSendsAtMostTheHourlyAllowanceAndAnswersAlikeBeyondIt() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        try await fixture.deliverEmails()

        for _ in 0..<8 { try await fixture.auth.forgotPassword(email: .value("ada@example.com"), origin: RequestOrigin()) }
        try await fixture.deliverEmails()
        let resets = await fixture.mailer.sent.filter { $0.subject == "Reset your password" }
        fixture.clock.advance(by: 3601)
        try await fixture.auth.forgotPassword(email: .value("ada@example.com"), origin: RequestOrigin())
        try await fixture.deliverEmails()

        #expect(resets.count == 5)
        #expect(await fixture.mailer.sent.filter { $0.subject == "Reset your password" }.count == 6)
    }

    @Test func resendingVerificationBeyondTheAllowanceIs429() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")
        let principal = try await fixture.auth.authenticate(accessToken: registered.tokens.accessToken)

        for _ in 0..<5 { try await fixture.auth.resendVerification(principal, origin: RequestOrigin()) }

        let error = await #expect(throws: DomainError.self) { try await fixture.auth.resendVerification(principal, origin: RequestOrigin()) }
        guard case .rateLimited(let seconds)? = error else {
            Issue.record("expected rateLimited, got \(String(describing: error))")
            return
        }
        #expect((1...3600).contains(seconds))
    }
}
