import Domain
import Foundation
import MemoryAdapters
import TestSupport
import Testing

@Suite struct ExampleOwnershipTests {
    let database = MemoryDatabase()
    var service: ExampleService {
        ExampleService(repository: database.examples, unitOfWork: database, clock: TestClock(), ids: SequentialIDs())
    }
    let owner = principal(number: 1, role: .user)
    let stranger = principal(number: 2, role: .user)
    let admin = principal(number: 3, role: .admin)

    @Test func anExampleBelongsToWhoeverCreatedIt() async throws {
        let example = try await service.create(ExampleDraft(name: .value("mine")), by: owner)

        #expect(example.ownerID == owner.user.id)
        #expect(try await service.get(id: example.id.uuidString).ownerID == owner.user.id)
    }

    @Test func anotherUsersExampleIsNotFoundForChangesAndStaysUnchanged() async throws {
        let example = try await service.create(ExampleDraft(name: .value("mine")), by: owner)
        let id = example.id.uuidString
        let stranger = self.stranger

        await #expect(throws: DomainError.notFound(resource: "Example")) {
            try await service.update(id: id, with: ExampleDraft(name: .value("theirs")), mode: .partial, by: stranger)
        }
        await #expect(throws: DomainError.notFound(resource: "Example")) {
            try await service.update(id: id, with: ExampleDraft(name: .value("theirs")), mode: .complete, by: stranger)
        }
        await #expect(throws: DomainError.notFound(resource: "Example")) { try await service.delete(id: id, by: stranger) }
        #expect(try await service.get(id: id) == example)
    }

    @Test func anAdministratorMayChangeAndDeleteAnyExample() async throws {
        let example = try await service.create(ExampleDraft(name: .value("mine")), by: owner)
        let id = example.id.uuidString

        let renamed = try await service.update(id: id, with: ExampleDraft(name: .value("moderated")), mode: .partial, by: admin)
        try await service.delete(id: id, by: admin)

        #expect(renamed.name == "moderated")
        #expect(renamed.ownerID == owner.user.id)
        await #expect(throws: DomainError.notFound(resource: "Example")) { try await service.get(id: id) }
    }

    @Test func theOwnerMayDeleteTheirExample() async throws {
        let example = try await service.create(ExampleDraft(name: .value("mine")), by: owner)

        try await service.delete(id: example.id.uuidString, by: owner)

        await #expect(throws: DomainError.notFound(resource: "Example")) { try await service.get(id: example.id.uuidString) }
    }

    @Test func examplesWithoutAnOwnerAreOnlyForAdministrators() async throws {
        let legacy = Example(
            id: UUID(), name: "old", description: nil, createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))
        try await database.examples.insert(legacy)
        let owner = self.owner

        await #expect(throws: DomainError.notFound(resource: "Example")) { try await service.delete(id: legacy.id.uuidString, by: owner) }
        try await service.delete(id: legacy.id.uuidString, by: admin)
    }

    @Test func anUnverifiedUserCannotCreateUntilTheSettingAllowsIt() async throws {
        let unverified = principal(number: 4, role: .user, verified: false)

        await #expect(throws: DomainError.forbidden("Verify your email address before creating examples")) {
            try await service.create(ExampleDraft(name: .value("early")), by: unverified)
        }
        let relaxed = ExampleService(
            repository: database.examples, unitOfWork: database, clock: TestClock(), ids: SequentialIDs(), requireVerifiedEmail: false
        )
        #expect(try await relaxed.create(ExampleDraft(name: .value("early")), by: unverified).ownerID == unverified.user.id)
    }
}
