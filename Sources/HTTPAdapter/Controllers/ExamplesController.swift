import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `/api/v1/examples`: decode, call one use case, encode.
struct ExamplesController {
    let service: ExampleService
    let authenticator: Authenticator

    func register(on routes: RouteCatalog) {
        routes.on(.get, "/api/v1/examples", use: list)
        routes.on(.post, "/api/v1/examples", use: create)
        routes.on(.get, "/api/v1/examples/{id}", use: get)
        routes.on(.put, "/api/v1/examples/{id}", use: replace)
        routes.on(.patch, "/api/v1/examples/{id}", use: change)
        routes.on(.delete, "/api/v1/examples/{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try PageRequest.parse(page: context.query["page"], limit: context.query["limit"])
        let search = context.query["search"]
        if let text = context.query["q"] {
            // `q` takes precedence: a `search` beside it is ignored (and left out of the links), as documented.
            let result = try await service.search(text, page: page)
            return JSONResponse.success(
                message: "Examples retrieved successfully",
                data: result.items.map { SearchHitBody(ExampleBody($0.item), hit: $0) },
                meta: PageMeta(page: page.page, limit: page.limit, total: result.total, totalPages: result.totalPages),
                links: PageLinks(path: "/api/v1/examples", page: result, extra: ["q": text]),
                context: context
            )
        }
        let result = try await service.list(search: search, page: page)
        return JSONResponse.success(
            message: "Examples retrieved successfully",
            data: result.items.map(ExampleBody.init),
            meta: PageMeta(page: page.page, limit: page.limit, total: result.total, totalPages: result.totalPages),
            links: PageLinks(path: "/api/v1/examples", page: result, extra: search.map { ["search": $0] } ?? [:]),
            context: context
        )
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let example = try await service.create(try ExampleDraft(json: JSONBody.object(in: context)), by: principal)
        return JSONResponse.success(.created, message: "Example created successfully", data: ExampleBody(example), context: context)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let example = try await service.get(id: try context.parameters.require("id"))
        return JSONResponse.success(message: "Example retrieved successfully", data: ExampleBody(example), context: context)
    }

    @Sendable func replace(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await update(request, context: context, mode: .complete)
    }

    @Sendable func change(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await update(request, context: context, mode: .partial)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        try await service.delete(id: try context.parameters.require("id"), by: principal)
        return JSONResponse.success(message: "Example deleted successfully", data: NoData?.none, context: context)
    }

    private func update(_ request: Request, context: AppRequestContext, mode: ExampleDraft.Mode) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let id = try context.parameters.require("id")
        let draft = try ExampleDraft(json: JSONBody.object(in: context))
        let example = try await service.update(id: id, with: draft, mode: mode, by: principal)
        return JSONResponse.success(message: "Example updated successfully", data: ExampleBody(example), context: context)
    }
}

/// An example as the API shows it.
struct ExampleBody: EncodableBody {
    let id: UUID
    let ownerId: UUID?
    let name: String
    let description: String?
    let createdAt: Date
    let updatedAt: Date

    init(_ example: Example) {
        id = example.id
        ownerId = example.ownerID
        name = example.name
        description = example.description
        createdAt = example.createdAt
        updatedAt = example.updatedAt
    }
}

extension ExampleDraft {
    /// Reads a draft from a JSON object, keeping wrong types and unknown fields for validation to report.
    init(json: [String: JSONValue]) {
        self.init()
        switch json["name"] {
        case nil: name = .absent
        case .string(let value): name = .value(value)
        default: name = .invalid("name must be a string")
        }
        switch json["description"] {
        case nil: description = .absent
        case .null: description = .value(nil)
        case .string(let value): description = .value(value)
        default: description = .invalid("description must be a string or null")
        }
        unknownFields = json.keys.filter { $0 != "name" && $0 != "description" }
    }
}
