import Domain
import Foundation
import TestSupport
import Testing

@Suite struct SessionTests {
    let origin = RequestOrigin(clientAddress: "198.51.100.7", userAgent: "TestBrowser/1.0", requestID: "req-1")

    func refresh(_ fixture: IdentityFixture, _ token: String) async throws -> TokenPair {
        try await fixture.auth.refresh(refreshToken: .value(token), origin: origin)
    }

    @Test func refreshRotatesTheToken() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")
        fixture.clock.advance(by: 60)

        let rotated = try await refresh(fixture, registered.tokens.refreshToken)

        #expect(rotated.refreshToken != registered.tokens.refreshToken)
        let principal = try await fixture.auth.authenticate(accessToken: rotated.accessToken)
        #expect(principal.user.id == registered.user.id)
        let session = try await fixture.database.sessions.find(id: principal.sessionID)
        #expect(session?.lastUsedAt == fixture.clock.now().truncatedToMilliseconds)
    }

    @Test func replayingARotatedTokenRevokesTheWholeSessionAndIsAudited() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")
        let rotated = try await refresh(fixture, registered.tokens.refreshToken)

        await #expect(throws: DomainError.unauthenticated) { try await refresh(fixture, registered.tokens.refreshToken) }

        await #expect(throws: DomainError.unauthenticated) { try await refresh(fixture, rotated.refreshToken) }
        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: rotated.accessToken) }
        let events = try await fixture.database.auditLog.list(
            filter: AuditFilter(action: "auth.refresh_reuse"), page: PageRequest(page: 1, limit: 10))
        #expect(events.items.map(\.actorID) == [registered.user.id])
        #expect(events.items.first?.requestID == "req-1")
    }

    @Test func ofSixConcurrentRefreshesWithOneTokenExactlyOneSucceeds() async throws {
        let fixture = await IdentityFixture()
        let token = try await fixture.register("Ada", email: "ada@example.com").tokens.refreshToken

        let winners = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 { group.addTask { (try? await refresh(fixture, token)) != nil } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }

        #expect(winners == 1)
    }

    @Test func aRefreshTokenIsNeverAnAccessToken() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")

        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: registered.tokens.refreshToken) }
    }

    @Test func anAccessTokenIsNeverARefreshToken() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")

        await #expect(throws: DomainError.unauthenticated) { try await refresh(fixture, registered.tokens.accessToken) }
    }

    @Test func logoutEndsTheSessionAndItsAccessTokenAtOnce() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")

        try await fixture.auth.logout(refreshToken: .value(registered.tokens.refreshToken), origin: origin)

        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: registered.tokens.accessToken) }
        await #expect(throws: DomainError.unauthenticated) { try await refresh(fixture, registered.tokens.refreshToken) }
    }

    @Test func logoutWithAnUnknownTokenChangesNothing() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")

        try await fixture.auth.logout(refreshToken: .value("not-a-token"), origin: origin)

        #expect(try await fixture.auth.authenticate(accessToken: registered.tokens.accessToken).user.id == registered.user.id)
    }

    @Test func revokeAllEndsEverySessionOfTheCallerOnly() async throws {
        let fixture = await IdentityFixture()
        let first = try await fixture.register("Ada", email: "ada@example.com")
        let second = try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Passw0rd!"), origin: origin)
        let other = try await fixture.register("Bob", email: "bob@example.com")
        let principal = try await fixture.auth.authenticate(accessToken: first.tokens.accessToken)

        let count = try await fixture.auth.revokeAll(principal, origin: origin)

        #expect(count == 2)
        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: first.tokens.accessToken) }
        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: second.tokens.accessToken) }
        #expect(try await fixture.auth.authenticate(accessToken: other.tokens.accessToken).user.id == other.user.id)
    }

    @Test func usersListTheirOwnSessionsAndEndOne() async throws {
        let fixture = await IdentityFixture()
        let first = try await fixture.register("Ada", email: "ada@example.com")
        let second = try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Passw0rd!"), origin: origin)
        let principal = try await fixture.auth.authenticate(accessToken: first.tokens.accessToken)
        let secondID = try await fixture.auth.authenticate(accessToken: second.tokens.accessToken).sessionID

        let sessions = try await fixture.auth.sessions(principal)
        try await fixture.auth.endSession(id: secondID.uuidString, principal, origin: origin)

        #expect(Set(sessions.map(\.id)) == [principal.sessionID, secondID])
        #expect(sessions.first { $0.id == secondID }?.userAgent == "TestBrowser/1.0")
        await #expect(throws: DomainError.unauthenticated) { try await fixture.auth.authenticate(accessToken: second.tokens.accessToken) }
        #expect(try await fixture.auth.sessions(principal).map(\.id) == [principal.sessionID])
    }

    @Test func anotherUsersSessionIsNotFound() async throws {
        let fixture = await IdentityFixture()
        let ada = try await fixture.register("Ada", email: "ada@example.com")
        let bob = try await fixture.register("Bob", email: "bob@example.com")
        let adaPrincipal = try await fixture.auth.authenticate(accessToken: ada.tokens.accessToken)
        let bobSession = try await fixture.auth.authenticate(accessToken: bob.tokens.accessToken).sessionID

        await #expect(throws: DomainError.notFound(resource: "Session")) {
            try await fixture.auth.endSession(id: bobSession.uuidString, adaPrincipal, origin: origin)
        }
        #expect(try await fixture.auth.authenticate(accessToken: bob.tokens.accessToken).sessionID == bobSession)
    }

    @Test func aSessionEndsAtItsAbsoluteLifetimeHoweverOftenItIsRefreshed() async throws {
        let settings = IdentitySettings(refreshTokenLifetime: 3600, sessionMaximumLifetime: 3 * 3600, publicBaseURL: "https://app.example.com")
        let fixture = await IdentityFixture(settings: settings)
        var token = try await fixture.register("Ada", email: "ada@example.com").tokens.refreshToken

        for _ in 0..<2 {
            fixture.clock.advance(by: 3000)
            token = try await refresh(fixture, token).refreshToken
        }
        fixture.clock.advance(by: 3000)
        let last = try await refresh(fixture, token)
        fixture.clock.advance(by: 1900)

        await #expect(throws: DomainError.unauthenticated) { try await refresh(fixture, last.refreshToken) }
    }

    @Test func anExpiredRefreshTokenIsRefused() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")
        fixture.clock.advance(by: 7 * 86_400 + 1)

        await #expect(throws: DomainError.unauthenticated) { try await refresh(fixture, registered.tokens.refreshToken) }
    }
}

@Suite struct RefreshDuringGuessingTests {
    @Test func anAccountWhoseSignInsAreThrottledStillRefreshes() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")
        for _ in 0..<3 { _ = try? await fixture.auth.login(email: .value("ada@example.com"), password: .value("Wrong1234"), origin: RequestOrigin()) }
        await #expect(throws: DomainError.rateLimited(retryAfterSeconds: 1)) {
            try await fixture.auth.login(email: .value("ada@example.com"), password: .value("Wrong1234"), origin: RequestOrigin())
        }

        let refreshed = try await fixture.auth.refresh(refreshToken: .value(registered.tokens.refreshToken), origin: RequestOrigin())

        #expect(try await fixture.auth.authenticate(accessToken: refreshed.accessToken).user.id == registered.user.id)
    }

    @Test func aDisabledAccountsRefreshEndsItsSession() async throws {
        let fixture = await IdentityFixture()
        let registered = try await fixture.register("Ada", email: "ada@example.com")
        var user = registered.user
        user.isActive = false
        _ = try await fixture.database.users.update(user)

        await #expect(throws: DomainError.unauthenticated) {
            try await fixture.auth.refresh(refreshToken: .value(registered.tokens.refreshToken), origin: RequestOrigin())
        }
        user.isActive = true
        _ = try await fixture.database.users.update(user)
        await #expect(throws: DomainError.unauthenticated) {
            try await fixture.auth.refresh(refreshToken: .value(registered.tokens.refreshToken), origin: RequestOrigin())
        }
    }
}
