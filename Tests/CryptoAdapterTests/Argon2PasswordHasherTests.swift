import CArgon2
import Domain
import Foundation
import Testing

@testable import CryptoAdapters

@Suite struct Argon2PasswordHasherTests {
    /// Cheap parameters where the test is not about cost.
    static let light = Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1)

    @Test func hashesWithTheConfiguredArgon2idParametersAndVerifies() async throws {
        let hasher = try await Argon2PasswordHasher.start()
        let hash = try await hasher.hash("Correct horse 1")
        let right = try await hasher.verify("Correct horse 1", against: hash)
        let wrong = try await hasher.verify("correct horse 1", against: hash)
        await hasher.shutdown()

        #expect(hash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(right == PasswordCheck(matches: true, needsRehash: false))
        #expect(wrong == PasswordCheck(matches: false, needsRehash: false))
    }

    @Test func twoHashesOfOnePasswordDiffer() async throws {
        let hasher = try await Argon2PasswordHasher.start(parameters: Self.light)
        let first = try await hasher.hash("Same password 1")
        let second = try await hasher.hash("Same password 1")
        await hasher.shutdown()
        #expect(first != second)
    }

    @Test func aHashWithWeakerParametersAsksForARehashOnlyWhenItMatches() async throws {
        let weak = try await Argon2PasswordHasher.start(parameters: Self.light)
        let stored = try await weak.hash("Upgrade me 1")
        await weak.shutdown()
        let strong = try await Argon2PasswordHasher.start()

        let right = try await strong.verify("Upgrade me 1", against: stored)
        let wrong = try await strong.verify("Not it 1", against: stored)
        await strong.shutdown()

        #expect(right == PasswordCheck(matches: true, needsRehash: true))
        #expect(wrong == PasswordCheck(matches: false, needsRehash: false))
    }

    @Test(arguments: ["", "not a hash", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA", "$argon2id$v=19$m=x,t=2,p=1$a$b"])
    func aMalformedStoredHashSimplyDoesNotMatch(hash: String) async throws {
        let hasher = try await Argon2PasswordHasher.start(parameters: Self.light)
        let check = try await hasher.verify("anything", against: hash)
        await hasher.shutdown()
        #expect(check == PasswordCheck(matches: false, needsRehash: false))
    }

    /// The dummy hash carries the configured parameters, so checking a password against it costs exactly what a
    /// real account's check costs (no timing measured: the cost follows from the parameters).
    @Test func theDummyHashCostsWhatARealOneDoes() async throws {
        let hasher = try await Argon2PasswordHasher.start()
        try await hasher.verifyDummy("whatever 1")
        let dummyParameters = Argon2PasswordHasher.parameters(of: hasher.dummyHash)
        let matchesDummy = Argon2PasswordHasher.verifies("whatever 1", hasher.dummyHash)
        await hasher.shutdown()

        #expect(dummyParameters == hasher.parameters)
        #expect(!matchesDummy)
    }

    @Test func hashesBeyondTheQueueAreRefusedAsOverloaded() async throws {
        let hasher = try await Argon2PasswordHasher.start(threads: 1, maximumWait: .seconds(60), maximumQueued: 2)
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    do {
                        _ = try await hasher.hash("Flood password 1")
                        return "hashed"
                    } catch DomainError.overloaded {
                        return "overloaded"
                    } catch {
                        return "failed: \(error)"
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        await hasher.shutdown()

        #expect(outcomes.contains("overloaded"))
        #expect(outcomes.contains("hashed"))
        #expect(outcomes.allSatisfy { $0 == "hashed" || $0 == "overloaded" })
    }

    @Test func workThatWaitedTooLongIsRefusedInsteadOfRun() async throws {
        let hasher = try await Argon2PasswordHasher.start(threads: 1, maximumWait: .zero, maximumQueued: 100)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 {
                group.addTask { (try? await hasher.hash("Queued password 1")) != nil }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        await hasher.shutdown()
        #expect(outcomes.contains(false))
    }

    @Test func parametersAreReadBackFromAHash() {
        let parameters = Argon2PasswordHasher.parameters(of: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")
        #expect(parameters == Argon2Parameters(memoryKiB: 65_536, iterations: 3, parallelism: 4))
    }
}

/// Argon2id's working memory: mapped, reused while hashes keep coming, returned when the burst is over.
@Suite struct Argon2MemoryTests {
    @Test func aBlockIsReusedUntilReleasedAndThenReturnedToTheSystem() throws {
        let memory = Argon2Memory()
        let size = 1 << 20
        let first = try #require(memory.take(size))
        first.storeBytes(of: 0x5A, as: UInt8.self)
        memory.giveBack(first, size: size)
        #expect(memory.idleBytes == size)

        let again = try #require(memory.take(size))
        #expect(again == first)
        #expect(memory.idleBytes == 0)
        let other = try #require(memory.take(size))
        #expect(other != first)
        memory.giveBack(again, size: size)
        memory.giveBack(other, size: size)

        #expect(memory.releaseIdle() == 2 * size)
        #expect(memory.idleBytes == 0)
    }

    @Test func blocksAreKeptWhileAHashStartedWithinTheQuietSpell() throws {
        let memory = Argon2Memory()
        let block = try #require(memory.take(1 << 16))
        let taken = ContinuousClock.now
        memory.giveBack(block, size: 1 << 16)

        #expect(memory.releaseIdle(unusedFor: .seconds(2), now: taken + .seconds(1)) == 0)
        #expect(memory.idleBytes == 1 << 16)
        #expect(memory.releaseIdle(unusedFor: .seconds(2), now: taken + .seconds(3)) == 1 << 16)
        #expect(memory.idleBytes == 0)
    }

    @Test func aBlockOfAnotherSizeIsNotHandedOut() throws {
        let memory = Argon2Memory()
        let small = try #require(memory.take(1 << 16))
        memory.giveBack(small, size: 1 << 16)
        let large = try #require(memory.take(1 << 20))
        #expect(large != small)
        memory.giveBack(large, size: 1 << 20)
        #expect(memory.releaseIdle() == (1 << 16) + (1 << 20))
    }

    /// The hash encoded by Portside is the one libargon2's own encoder writes, byte for byte, and each side verifies
    /// the other's.
    @Test(arguments: ["", "Correct horse 1", "pässwörd ✓", String(repeating: "x", count: 300)])
    func hashesMatchLibargon2sOwnEncoding(password: String) throws {
        let parameters = Argon2PasswordHasherTests.light
        let salt = Array("saltsaltsaltsalt".utf8)
        let ours = try Argon2PasswordHasher.encode(password, salt: salt, parameters: parameters)

        let bytes = Array(password.utf8)
        let length = argon2_encodedlen(parameters.iterations, parameters.memoryKiB, parameters.parallelism, UInt32(salt.count), 32, Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let code = argon2_hash(
            parameters.iterations, parameters.memoryKiB, parameters.parallelism, bytes, bytes.count, salt, salt.count,
            nil, 32, &encoded, length, Argon2_id, UInt32(ARGON2_VERSION_13.rawValue))
        let theirs = String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)

        #expect(code == ARGON2_OK.rawValue)
        #expect(ours == theirs)
        #expect(Argon2PasswordHasher.verifies(password, theirs))
        #expect(argon2id_verify(ours, bytes, bytes.count) == ARGON2_OK.rawValue)
        #expect(!Argon2PasswordHasher.verifies(password + "!", theirs))
    }

    @Test(arguments: [
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$", "$argon2id$v=19$m=1024,t=1,p=1$$aGFzaGhhc2g",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaGhhc2g", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2g",
        "$argon2id$v=19$m=1024,t=1,p=1$c2Fs*HNhbHRzYWx0c2FsdA$aGFzaGhhc2g",
    ])
    func aHashWithABadSaltOrDigestIsNotVerified(hash: String) {
        #expect(Argon2PasswordHasher.Decoded(hash) == nil)
        #expect(!Argon2PasswordHasher.verifies("anything", hash))
    }
}
