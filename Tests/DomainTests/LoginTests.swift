import Domain
import Foundation
import TestSupport
import Testing

@Suite struct RegistrationTests {
    @Test func registrationCreatesAnUnverifiedUserSignsInAndSendsOneVerificationLink() async throws {
        let fixture = await IdentityFixture()

        let result = try await fixture.register("Ada", email: "Ada@Example.COM")

        #expect(result.user.email == "ada@example.com")
        #expect(result.user.role == .user)
        #expect(!result.user.emailVerified)
        #expect(result.user.passwordHash == "fake-v2:Passw0rd!")
        #expect(try await fixture.auth.authenticate(accessToken: result.tokens.accessToken).user.id == result.user.id)
        let token = try await fixture.token(sentTo: "ada@example.com", path: "verify-email")
        #expect(token?.count == 43)
        let links = await fixture.mailer.sent.map(\.text).filter { $0.contains("https://app.example.com/verify-email?token=") }
        #expect(links.count == 1)
    }

    @Test func registrationListsEveryProblemAndRejectsFieldsSuchAsRole() async throws {
        let fixture = await IdentityFixture()
        let input = AuthService.Registration(
            name: .value(" "), email: .value("not-an-email"), password: .value("short"), unknownFields: ["role"]
        )

        let error = await #expect(throws: DomainError.self) { try await fixture.auth.register(input, origin: RequestOrigin()) }

        #expect(error?.fields.first == "role")
        #expect(Set(error?.fields ?? []) == ["role", "name", "email", "password"])
        #expect(fixture.hasher.counts.hashes == 0)
    }

    @Test func aSecondAccountWithTheSameEmailIsAConflict() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")

        await #expect(throws: DomainError.conflict("Email is already registered")) {
            try await fixture.register("Other", email: "ADA@example.com")
        }
    }

    @Test func concurrentRegistrationsWithOneEmailMakeOneAccount() async throws {
        let fixture = await IdentityFixture()

        let successes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask { (try? await fixture.register("Racer \(index)", email: "race@example.com")) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }

        #expect(successes == 1)
        #expect(try await fixture.database.users.list(search: "race@", role: nil, page: PageRequest(page: 1, limit: 10)).total == 1)
    }
}

@Suite struct LoginTests {
    func login(_ fixture: IdentityFixture, _ email: String, _ password: String) async throws -> Authentication {
        try await fixture.auth.login(email: .value(email), password: .value(password), origin: RequestOrigin(clientAddress: "203.0.113.9"))
    }

    /// Sign-in looks any address up, trimmed and lower-cased, rather than holding it to the rule for new addresses:
    /// accounts registered under an earlier, laxer rule (and autofill's trailing space) still get in.
    @Test func signInLooksTheAddressUpWithoutTheRuleForNewAddresses() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")

        let padded = try await login(fixture, "  ADA@example.com ", "Passw0rd!")
        #expect(padded.user.id == registered.user.id)
        // An address the rule for new ones refuses is not a validation error here, only an unknown account.
        await #expect(throws: DomainError.unauthenticated) { try await login(fixture, "josé@bücher.de", "Passw0rd!") }
        await #expect(throws: DomainError.self) { try await login(fixture, "   ", "Passw0rd!") }
        try await fixture.auth.forgotPassword(email: .value(" José@Bücher.de "), origin: RequestOrigin())
    }

    @Test func theRightPasswordSignsIn() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")

        let result = try await login(fixture, "ADA@example.com", "Passw0rd!")

        #expect(result.user.id == registered.user.id)
        #expect(result.tokens.refreshToken != registered.tokens.refreshToken)
        let sessions = try await fixture.database.sessions.listAlive(userID: registered.user.id, now: fixture.clock.now())
        #expect(sessions.count == 2)
        #expect(sessions.contains { $0.clientAddress == "203.0.113.9" })
    }

    @Test func unknownEmailAndWrongPasswordFailAlikeAfterOnePasswordCheckEach() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")

        let unknown = await #expect(throws: DomainError.self) { try await login(fixture, "nobody@example.com", "Passw0rd!") }
        #expect(fixture.hasher.counts.dummies == 1)
        let wrong = await #expect(throws: DomainError.self) { try await login(fixture, "ada@example.com", "Wrong1234") }
        #expect(fixture.hasher.counts.verifications == 1)

        #expect(unknown == .unauthenticated)
        #expect(wrong == .unauthenticated)
    }

    @Test func aDisabledAccountFailsLikeAnUnknownOne() async throws {
        let fixture = await IdentityFixture()
        let user = try await fixture.register("Ada", email: "ada@example.com").user
        var disabled = user
        disabled.isActive = false
        _ = try await fixture.database.users.update(disabled)

        await #expect(throws: DomainError.unauthenticated) { try await login(fixture, "ada@example.com", "Passw0rd!") }
        #expect(fixture.hasher.counts.dummies == 1)
        #expect(fixture.hasher.counts.verifications == 0)
    }

    @Test func aHashWithWeakerParametersIsReplacedAtTheNextLogin() async throws {
        let fixture = await IdentityFixture()
        let user = try await fixture.register("Ada", email: "ada@example.com").user
        var weak = user
        weak.passwordHash = "fake-v1:Passw0rd!"
        _ = try await fixture.database.users.update(weak)

        let result = try await login(fixture, "ada@example.com", "Passw0rd!")

        #expect(result.user.passwordHash == "fake-v2:Passw0rd!")
        #expect(try await fixture.database.users.find(id: user.id)?.passwordHash == "fake-v2:Passw0rd!")
    }

    @Test func loginFailuresAndThrottledAttemptsAreAudited() async throws {
        let fixture = await IdentityFixture()
        let user = try await fixture.register("Ada", email: "ada@example.com").user
        _ = try? await login(fixture, "nobody@example.com", "Wrong1234")
        for _ in 0..<4 { _ = try? await login(fixture, "ada@example.com", "Wrong1234") }

        let events = try await fixture.database.auditLog.list(filter: AuditFilter(), page: PageRequest(page: 1, limit: 100)).items
        let failures = events.filter { $0.action == "auth.login" && $0.outcome == .failure }
        #expect(failures.count == 5)
        #expect(failures.contains { $0.actorID == nil && $0.clientAddress == "203.0.113.9" })
        #expect(failures.filter { $0.actorID == user.id && $0.detail == "wrong password" }.count == 3)
        #expect(failures.contains { $0.actorID == user.id && $0.detail == "too many failed attempts" })
    }
}
