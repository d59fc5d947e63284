import Domain
import Foundation
import MemoryAdapters
import TestSupport
import Testing

/// The server judges names, emails and passwords exactly as the API document's schemas do (found by fuzzing the live
/// service against its document): anything the document calls valid is accepted, anything it calls invalid refused.
@Suite struct DocumentedInputTests {
    static func registration(name: String = "Ada", email: String = "ada@example.com", password: String = "Passw0rd!")
        -> AuthService.Registration
    {
        AuthService.Registration(name: .value(name), email: .value(email), password: .value(password), unknownFields: [])
    }

    static func fields(_ registration: AuthService.Registration) async -> Set<String> {
        let fixture = await IdentityFixture()
        do {
            _ = try await fixture.auth.register(registration, origin: RequestOrigin())
            return []
        } catch let error as DomainError {
            return Set(error.fields)
        } catch {
            return ["unexpected: \(error)"]
        }
    }

    @Test(arguments: [
        "a@b.co", "First.Last+tag@Example.COM", "x_y-z@sub.example.org", "a@1.2.3.4", "!#$%&'*+/=?^_`{|}~-@x.co",
        String(repeating: "a", count: 64) + "@b.co", "a@" + String(repeating: "b", count: 63) + ".co",
    ])
    func addressesTheDocumentAcceptsAreAccepted(email: String) async {
        #expect(await Self.fields(Self.registration(email: email)) == [])
    }

    @Test(arguments: [
        "a@localhost", "a..b@b.co", ".a@b.co", "a.@b.co", "a@-b.co", "a@b-.co", "a@b_c.co", "a@b..co", "a@b.co.",
        " a@b.co", "a@b.co ", "\"a b\"@x.co", "a@[1.2.3.4]", "ĥé@example.com", "a@exämple.com", "0@0.com*", "a@b@c.co",
        String(repeating: "a", count: 65) + "@b.co", "a@" + String(repeating: "b", count: 64) + ".co",
    ])
    func addressesTheDocumentRefusesAreRefused(email: String) async {
        #expect(await Self.fields(Self.registration(email: email)) == ["email"])
    }

    @Test func namesAreJudgedByCodePointsAndNeedSomethingBesidesWhitespace() async {
        // 60 graphemes of two code points: 120 code points, over the documented 100.
        #expect(await Self.fields(Self.registration(name: String(repeating: "e\u{301}", count: 60))) == ["name"])
        #expect(await Self.fields(Self.registration(name: String(repeating: "e\u{301}", count: 50))) == [])
        #expect(await Self.fields(Self.registration(name: " ")) == ["name"])
        #expect(await Self.fields(Self.registration(name: "\u{85}")) == ["name"])
        #expect(await Self.fields(Self.registration(name: "6\u{9b}\\")) == ["name"])
        #expect(await Self.fields(Self.registration(name: "  Ada  ")) == [])
    }
}

@Suite struct DocumentedExampleInputTests {
    static func fields(_ draft: ExampleDraft) async -> Set<String> {
        let database = MemoryDatabase()
        let service = ExampleService(repository: database.examples, unitOfWork: database, clock: TestClock(), ids: SequentialIDs())
        do {
            _ = try await service.create(draft, by: principal(number: 1, role: .user))
            return []
        } catch let error as DomainError {
            return Set(error.fields)
        } catch {
            return ["unexpected: \(error)"]
        }
    }

    @Test func namesAndDescriptionsAreJudgedByCodePointsAsTheDocumentDoes() async {
        let accented = String(repeating: "e\u{301}", count: 101)  // 101 graphemes, 202 code points
        #expect(await Self.fields(ExampleDraft(name: .value(accented))) == ["name"])
        #expect(await Self.fields(ExampleDraft(name: .value(String(repeating: "e\u{301}", count: 100)))) == [])
        #expect(
            await Self.fields(ExampleDraft(name: .value("Quay"), description: .value(String(repeating: "e\u{301}", count: 1001)))) == ["description"])
        #expect(await Self.fields(ExampleDraft(name: .value("Quay"), description: .value(String(repeating: "e\u{301}", count: 1000)))) == [])
    }

    @Test func controlCharactersFoundByFuzzingAreRefused() async {
        #expect(await Self.fields(ExampleDraft(name: .value("6\u{9b}\\"))) == ["name"])
        #expect(await Self.fields(ExampleDraft(name: .value("(\u{95}\u{89}"))) == ["name"])
        #expect(await Self.fields(ExampleDraft(name: .value(" \t "))) == ["name"])
        #expect(await Self.fields(ExampleDraft(name: .value("Quay"), description: .value("a\u{0}b"))) == ["description"])
        #expect(await Self.fields(ExampleDraft(name: .value("Quay"), description: .value("line\r\nnext\ttab"))) == [])
    }
}
