import Domain
import Foundation
import MemoryAdapters
import TestSupport
import Testing

@Suite struct ExampleServiceTests {
    let clock = TestClock()
    let database = MemoryDatabase()
    var service: ExampleService {
        ExampleService(repository: database.examples, unitOfWork: database, clock: clock, ids: SequentialIDs())
    }
    let owner = principal(number: 900, role: .user)

    @Test func createTrimsAndStoresAtMillisecondPrecision() async throws {
        let example = try await service.create(ExampleDraft(name: .value("  Harbour  "), description: .value(" quay ")), by: owner)

        #expect(example.name == "Harbour")
        #expect(example.description == "quay")
        #expect(example.createdAt == clock.now().truncatedToMilliseconds)
        #expect(example.createdAt == example.updatedAt)
        #expect(try await service.get(id: example.id.uuidString) == example)
    }

    @Test func createListsEveryProblemAtOnce() async throws {
        let draft = ExampleDraft(
            name: .value(String(repeating: "n", count: 201)),
            description: .value(String(repeating: "d", count: 2001)),
            unknownFields: ["role", "id"]
        )

        let error = await #expect(throws: DomainError.self) { try await service.create(draft, by: owner) }

        guard case .validation(let problems) = error else {
            Issue.record("expected a validation error")
            return
        }
        #expect(problems.map(\.field) == ["id", "role", "name", "description"])
    }

    @Test(arguments: [
        (Field<String>.absent, "name is required"),
        (Field<String>.value("   "), "name must be between 1 and 200 characters"),
        (Field<String>.invalid("name must be a string"), "name must be a string"),
    ])
    func createRejectsBadNames(name: Field<String>, message: String) async throws {
        let error = await #expect(throws: DomainError.self) { try await service.create(ExampleDraft(name: name), by: owner) }
        #expect(error == .validation([FieldError(field: "name", message: message)]))
    }

    @Test func nameOfExactly200CharactersIsAccepted() async throws {
        let example = try await service.create(ExampleDraft(name: .value(String(repeating: "é", count: 200))), by: owner)
        #expect(example.name.count == 200)
    }

    @Test func emptyDescriptionIsStoredAsNone() async throws {
        let example = try await service.create(ExampleDraft(name: .value("a"), description: .value("  ")), by: owner)
        #expect(example.description == nil)
    }

    @Test func patchChangesOnlyTheFieldsPresentAndMovesUpdatedAt() async throws {
        let created = try await service.create(ExampleDraft(name: .value("a"), description: .value("keep")), by: owner)
        clock.advance(by: 5)

        let changed = try await service.update(id: created.id.uuidString, with: ExampleDraft(name: .value("b")), mode: .partial, by: owner)

        #expect(changed.name == "b")
        #expect(changed.description == "keep")
        #expect(changed.createdAt == created.createdAt)
        #expect(changed.updatedAt == clock.now().truncatedToMilliseconds)
    }

    @Test func patchWithNullClearsTheDescription() async throws {
        let created = try await service.create(ExampleDraft(name: .value("a"), description: .value("gone")), by: owner)
        let changed = try await service.update(id: created.id.uuidString, with: ExampleDraft(description: .value(nil)), mode: .partial, by: owner)
        #expect(changed.description == nil)
    }

    @Test func emptyPatchIsRejected() async throws {
        let created = try await service.create(ExampleDraft(name: .value("a")), by: owner)
        let error = await #expect(throws: DomainError.self) {
            try await service.update(id: created.id.uuidString, with: ExampleDraft(), mode: .partial, by: owner)
        }
        #expect(error == .validation([FieldError(field: "body", message: "provide at least one of name, description")]))
    }

    @Test func replaceRequiresNameAndClearsAnAbsentDescription() async throws {
        let created = try await service.create(ExampleDraft(name: .value("a"), description: .value("old")), by: owner)

        let missingName = await #expect(throws: DomainError.self) {
            try await service.update(id: created.id.uuidString, with: ExampleDraft(description: .value("x")), mode: .complete, by: owner)
        }
        let replaced = try await service.update(id: created.id.uuidString, with: ExampleDraft(name: .value("b")), mode: .complete, by: owner)

        #expect(missingName == .validation([FieldError(field: "name", message: "name is required")]))
        #expect(replaced.name == "b")
        #expect(replaced.description == nil)
    }

    @Test func deletedExamplesAreNotFoundAnyMore() async throws {
        let created = try await service.create(ExampleDraft(name: .value("a")), by: owner)

        try await service.delete(id: created.id.uuidString, by: owner)

        await #expect(throws: DomainError.notFound(resource: "Example")) { try await service.get(id: created.id.uuidString) }
        await #expect(throws: DomainError.notFound(resource: "Example")) { try await service.delete(id: created.id.uuidString, by: owner) }
        await #expect(throws: DomainError.notFound(resource: "Example")) {
            try await service.update(id: created.id.uuidString, with: ExampleDraft(name: .value("b")), mode: .partial, by: owner)
        }
        #expect(try await service.list(search: nil, page: PageRequest(page: 1, limit: 10)).total == 0)
    }

    @Test(arguments: ["not-a-uuid", "", "00000000-0000-7000-8000-00000000000g"])
    func malformedIdsAreSimplyNotFound(id: String) async throws {
        await #expect(throws: DomainError.notFound(resource: "Example")) { try await service.get(id: id) }
    }

    @Test func searchIsTrimmedAndBounded() async throws {
        _ = try await service.create(ExampleDraft(name: .value("Lighthouse")), by: owner)

        let found = try await service.list(search: "  light ", page: PageRequest(page: 1, limit: 10))
        let everything = try await service.list(search: "   ", page: PageRequest(page: 1, limit: 10))
        let error = await #expect(throws: DomainError.self) {
            try await service.list(search: String(repeating: "x", count: 201), page: PageRequest(page: 1, limit: 10))
        }

        #expect(found.items.map(\.name) == ["Lighthouse"])
        #expect(everything.total == 1)
        #expect(error == .validation([FieldError(field: "search", message: "search must be at most 200 characters")]))
    }

    @Test func aSearchOfOneCharacterWithThousandsOfCombiningMarksIsTooLong() async throws {
        // One Character to Swift, 5,001 code points to a database pattern.
        let term = "a" + String(repeating: "\u{301}", count: 5_000)
        let error = await #expect(throws: DomainError.self) {
            try await service.list(search: term, page: PageRequest(page: 1, limit: 10))
        }
        #expect(error == .validation([FieldError(field: "search", message: "search must be at most 200 characters")]))
    }

    @Test(arguments: ["bad\u{0}name", "esc\u{1B}[31m", "del\u{7F}", "tab\tin name", "line\nbreak"])
    func controlCharactersInANameAreRejected(name: String) async throws {
        let error = await #expect(throws: DomainError.self) { try await service.create(ExampleDraft(name: .value(name)), by: owner) }
        #expect(error == .validation([FieldError(field: "name", message: "name must not contain control characters")]))
    }

    @Test func descriptionsMayHoldLineBreaksButNotOtherControlCharacters() async throws {
        let kept = try await service.create(ExampleDraft(name: .value("a"), description: .value("line one\n\tline two")), by: owner)
        let error = await #expect(throws: DomainError.self) {
            try await service.create(ExampleDraft(name: .value("a"), description: .value("nul\u{0}inside")), by: owner)
        }
        #expect(kept.description == "line one\n\tline two")
        #expect(error?.fields == ["description"])
    }

    @Test func concurrentChangesToDifferentFieldsAreAllKept() async throws {
        let service = self.service
        var ids: [String] = []
        for index in 0..<20 {
            ids.append(try await service.create(ExampleDraft(name: .value("n\(index)"), description: .value("d\(index)")), by: owner).id.uuidString)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids {
                group.addTask { _ = try await service.update(id: id, with: ExampleDraft(name: .value("renamed")), mode: .partial, by: owner) }
                group.addTask {
                    _ = try await service.update(id: id, with: ExampleDraft(description: .value("described")), mode: .partial, by: owner)
                }
            }
            try await group.waitForAll()
        }
        for id in ids {
            let example = try await service.get(id: id)
            #expect(example.name == "renamed")
            #expect(example.description == "described")
        }
    }
}
