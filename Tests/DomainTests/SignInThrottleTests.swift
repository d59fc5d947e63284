import Domain
import Foundation
import MemoryAdapters
import TestSupport
import Testing

/// Wrong passwords slow further attempts down (per account and per client address) and never lock anyone out of a
/// session they already have.
@Suite struct SignInThrottleTests {
    let attacker = RequestOrigin(clientAddress: "203.0.113.66")

    /// What one attempt was answered, as the client sees it.
    func outcome(_ fixture: IdentityFixture, _ email: String, _ password: String, from origin: RequestOrigin) async -> String {
        do {
            _ = try await fixture.auth.login(email: .value(email), password: .value(password), origin: origin)
            return "200"
        } catch DomainError.unauthenticated {
            return "401"
        } catch DomainError.rateLimited(let seconds) {
            return "429 retry after \(seconds)"
        } catch {
            return "\(error)"
        }
    }

    @Test func afterThreeFreeFailuresEachAttemptWaitsTwiceAsLongAsTheLastAndNoPasswordIsCheckedMeanwhile() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")

        var answers: [String] = []
        for _ in 0..<3 { answers.append(await outcome(fixture, "ada@example.com", "Wrong1234", from: attacker)) }
        for wait in [1, 2, 4, 8] {
            answers.append(await outcome(fixture, "ada@example.com", "Wrong1234", from: attacker))
            fixture.clock.advance(by: TimeInterval(wait))
            answers.append(await outcome(fixture, "ada@example.com", "Wrong1234", from: attacker))
        }

        #expect(
            answers == [
                "401", "401", "401", "429 retry after 1", "401", "429 retry after 2", "401", "429 retry after 4", "401", "429 retry after 8", "401",
            ])
        #expect(fixture.hasher.counts.verifications == 7)
    }

    @Test func theWaitStopsGrowingAtTheMaximum() async throws {
        let settings = IdentitySettings(signInThrottle: SignInThrottle(account: ThrottlePolicy(freeFailures: 1, maximumWait: 5, forgetAfter: 3600)))
        let fixture = await IdentityFixture(settings: settings)

        var waits: [String] = []
        _ = await outcome(fixture, "ada@example.com", "Wrong1234", from: RequestOrigin())
        for _ in 0..<5 {
            let answer = await outcome(fixture, "ada@example.com", "Wrong1234", from: RequestOrigin())
            waits.append(answer)
            fixture.clock.advance(by: 60)
            _ = await outcome(fixture, "ada@example.com", "Wrong1234", from: RequestOrigin())
        }

        #expect(waits == ["429 retry after 1", "429 retry after 2", "429 retry after 4", "429 retry after 5", "429 retry after 5"])
    }

    @Test func theRightPasswordAlsoWaitsAndThenSignsInAndForgetsTheFailures() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        for _ in 0..<3 { _ = await outcome(fixture, "ada@example.com", "Wrong1234", from: attacker) }

        let early = await outcome(fixture, "ada@example.com", "Passw0rd!", from: RequestOrigin(clientAddress: "198.51.100.7"))
        fixture.clock.advance(by: 1)
        let onTime = await outcome(fixture, "ada@example.com", "Passw0rd!", from: RequestOrigin(clientAddress: "198.51.100.7"))
        var afterwards: [String] = []
        for _ in 0..<4 { afterwards.append(await outcome(fixture, "ada@example.com", "Wrong1234", from: attacker)) }

        #expect(early == "429 retry after 1")
        #expect(onTime == "200")
        #expect(afterwards == ["401", "401", "401", "429 retry after 1"])
    }

    @Test func failuresAreForgottenTwelveHoursAfterTheLastOne() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        for _ in 0..<3 { _ = await outcome(fixture, "ada@example.com", "Wrong1234", from: attacker) }
        fixture.clock.advance(by: 12 * 3600 - 1)
        let stillRemembered = await outcome(fixture, "ada@example.com", "Wrong1234", from: attacker)
        fixture.clock.advance(by: 12 * 3600)

        var afterQuiet: [String] = []
        for _ in 0..<4 { afterQuiet.append(await outcome(fixture, "ada@example.com", "Wrong1234", from: attacker)) }

        #expect(stillRemembered == "401")
        #expect(afterQuiet == ["401", "401", "401", "429 retry after 1"])
    }

    @Test func anUnknownEmailIsAnsweredExactlyLikeARealAccountAttemptAfterAttempt() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")

        func sequence(_ email: String, from address: String) async -> [String] {
            let origin = RequestOrigin(clientAddress: address)
            var answers: [String] = []
            for step in 0..<12 {
                answers.append(await outcome(fixture, email, "Wrong1234", from: origin))
                if step % 3 == 2 { fixture.clock.advance(by: 3) }
            }
            return answers
        }
        let real = await sequence("ada@example.com", from: "198.51.100.1")
        let unknown = await sequence("nobody@example.com", from: "198.51.100.2")

        #expect(real == unknown)
        #expect(real.contains { $0.hasPrefix("429") })
        #expect(fixture.hasher.counts.verifications == fixture.hasher.counts.dummies)
    }

    @Test func theOwnersSessionKeepsWorkingAndRefreshingWhileSomeoneGuesses() async throws {
        let fixture = await IdentityFixture()
        let owner = try await fixture.register("Ada", email: "ada@example.com")
        var guesses: [String] = []
        for _ in 0..<10 { guesses.append(await outcome(fixture, "ada@example.com", "Wrong1234", from: attacker)) }
        #expect(guesses.last == "429 retry after 1")

        let principal = try await fixture.auth.authenticate(accessToken: owner.tokens.accessToken)
        let refreshed = try await fixture.auth.refresh(refreshToken: .value(owner.tokens.refreshToken), origin: RequestOrigin())

        #expect(principal.user.id == owner.user.id)
        #expect(try await fixture.auth.authenticate(accessToken: refreshed.accessToken).user.id == owner.user.id)
        #expect(try await fixture.auth.sessions(principal).count == 1)
    }

    @Test func oneAddressGuessingAcrossAccountsIsThrottledWhileOtherAddressesAreNot() async throws {
        let settings = IdentitySettings(signInThrottle: SignInThrottle(address: ThrottlePolicy(freeFailures: 4, maximumWait: 900, forgetAfter: 3600)))
        let fixture = await IdentityFixture(settings: settings)
        for name in ["a", "b", "c", "d", "e"] { try await fixture.register(name, email: "\(name)@example.com") }

        var spray: [String] = []
        for name in ["a", "b", "c", "d", "e"] { spray.append(await outcome(fixture, "\(name)@example.com", "Wrong1234", from: attacker)) }
        let owner = await outcome(fixture, "e@example.com", "Passw0rd!", from: RequestOrigin(clientAddress: "198.51.100.7"))
        let attackerWithThePassword = await outcome(fixture, "a@example.com", "Passw0rd!", from: attacker)

        #expect(spray == ["401", "401", "401", "401", "429 retry after 1"])
        #expect(owner == "200")
        #expect(attackerWithThePassword == "429 retry after 1")
    }

    @Test func manyPeopleBehindOneAddressSigningInAtOnceDoNotWaitForEachOther() async throws {
        let fixture = await IdentityFixture()
        let people = (1...30).map { "person\($0)@example.com" }
        for email in people { try await fixture.register("Someone", email: email) }
        let office = RequestOrigin(clientAddress: "198.51.100.20")
        // Each check takes a while, so every attempt is in flight at once.
        fixture.hasher.takeTime(verifying: .milliseconds(300))

        // More than the address's free failures, all in flight together: none of them is a failure.
        let outcomes = await withTaskGroup(of: String.self) { group in
            for email in people { group.addTask { await outcome(fixture, email, "Passw0rd!", from: office) } }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }

        #expect(outcomes == Array(repeating: "200", count: people.count))
    }

    @Test func ipv6AddressesCountByTheirSlash64AndMappedIPv4ByTheIPv4Address() async throws {
        let settings = IdentitySettings(signInThrottle: SignInThrottle(address: ThrottlePolicy(freeFailures: 2, maximumWait: 900, forgetAfter: 3600)))
        let fixture = await IdentityFixture(settings: settings)

        func guess(_ index: Int, from address: String) async -> String {
            await outcome(fixture, "user\(index)@example.com", "Wrong1234", from: RequestOrigin(clientAddress: address))
        }
        let oneSubscriber = [
            await guess(1, from: "2001:db8:1:2::1"), await guess(2, from: "2001:db8:1:2:ffff::9"),
            await guess(3, from: "2001:0DB8:0001:0002:0:0:0:abcd"),
        ]
        let neighbour = await guess(4, from: "2001:db8:1:3::1")
        let mapped = [
            await guess(5, from: "::ffff:198.51.100.4"), await guess(6, from: "::ffff:c633:6404"), await guess(7, from: "198.51.100.4"),
        ]

        #expect(oneSubscriber == ["401", "401", "429 retry after 1"])
        #expect(neighbour == "401")
        #expect(mapped == ["401", "401", "429 retry after 1"])
    }

    @Test func twoInstancesSharingTheStoreShareTheCount() async throws {
        let database = MemoryDatabase()
        let clock = TestClock()
        let store = RateLimitMemoryStore()
        let first = await IdentityFixture(database: database, clock: clock, rateLimits: store)
        let second = await IdentityFixture(database: database, clock: clock, rateLimits: store)
        try await first.register("Ada", email: "ada@example.com")

        var answers: [String] = []
        for instance in [first, second, first, second, first] {
            answers.append(await outcome(instance, "ada@example.com", "Wrong1234", from: RequestOrigin(clientAddress: "198.51.100.\(answers.count)")))
        }

        #expect(answers == ["401", "401", "401", "429 retry after 1", "429 retry after 1"])
    }

    @Test func concurrentGuessesOnTwoInstancesCheckNoMorePasswordsThanTheFreeFailures() async throws {
        let database = MemoryDatabase()
        let store = RateLimitMemoryStore()
        let first = await IdentityFixture(database: database, rateLimits: store)
        let second = await IdentityFixture(database: database, clock: first.clock, rateLimits: store)
        try await first.register("Ada", email: "ada@example.com")
        try await first.register("Bob", email: "bob@example.com")
        for fixture in [first, second] { fixture.hasher.takeTime(verifying: .milliseconds(5)) }

        await withTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                let instance = index % 2 == 0 ? first : second
                let email = index % 4 < 2 ? "ada@example.com" : "nobody@example.com"
                group.addTask { _ = await outcome(instance, email, "Wrong1234", from: RequestOrigin(clientAddress: "198.51.100.\(index)")) }
            }
        }

        let checked = [first, second].map { $0.hasher.counts.verifications + $0.hasher.counts.dummies }.reduce(0, +)
        #expect(checked == 6)
        #expect(await outcome(first, "ada@example.com", "Passw0rd!", from: RequestOrigin()).hasPrefix("429"))
    }

    @Test func aWrongCurrentPasswordIsThrottledWithTheAccountsSignIns() async throws {
        let fixture = await IdentityFixture()
        let (principal, registered) = try await fixture.verifiedUser("Ada", email: "ada@example.com")
        for _ in 0..<2 { _ = await outcome(fixture, "ada@example.com", "Wrong1234", from: attacker) }

        await #expect(throws: DomainError.validation([FieldError(field: "currentPassword", message: "currentPassword is incorrect")])) {
            try await fixture.auth.changePassword(current: .value("Wrong1234"), new: .value("N3wPassword"), principal, origin: attacker)
        }
        await #expect(throws: DomainError.rateLimited(retryAfterSeconds: 1)) {
            try await fixture.auth.changePassword(current: .value("Passw0rd!"), new: .value("N3wPassword"), principal, origin: attacker)
        }
        #expect(await outcome(fixture, "ada@example.com", "Passw0rd!", from: RequestOrigin()) == "429 retry after 1")
        #expect(try await fixture.auth.authenticate(accessToken: registered.tokens.accessToken).user.id == principal.user.id)
    }

    @Test func aPasswordResetForgetsTheFailures() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        for _ in 0..<3 { _ = await outcome(fixture, "ada@example.com", "Wrong1234", from: attacker) }
        try await fixture.auth.forgotPassword(email: .value("ada@example.com"), origin: RequestOrigin())
        let reset = try #require(try await fixture.token(sentTo: "ada@example.com", path: "reset-password"))

        try await fixture.auth.resetPassword(token: .value(reset), newPassword: .value("N3wPassword"), origin: RequestOrigin())

        #expect(await outcome(fixture, "ada@example.com", "N3wPassword", from: RequestOrigin()) == "200")
    }

    @Test func aCheckTheHasherCouldNotRunIsGivenBack() async throws {
        let fixture = await IdentityFixture()
        try await fixture.register("Ada", email: "ada@example.com")
        fixture.hasher.refuse(with: .overloaded(retryAfterSeconds: 1))
        for _ in 0..<5 { _ = await outcome(fixture, "ada@example.com", "Wrong1234", from: attacker) }
        fixture.hasher.refuse(with: nil)

        var answers: [String] = []
        for _ in 0..<4 { answers.append(await outcome(fixture, "ada@example.com", "Wrong1234", from: attacker)) }

        #expect(answers == ["401", "401", "401", "429 retry after 1"])
    }
}
