import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/users`: the caller's own account, and every account for administrators (the use cases decide who may).
struct UsersController {
    let users: UserService
    let authenticator: Authenticator

    func register(on routes: RouteCatalog) {
        routes.on(.get, "/api/v1/users/me", use: me)
        routes.on(.patch, "/api/v1/users/me", use: updateMe)
        routes.on(.get, "/api/v1/users", use: list)
        routes.on(.get, "/api/v1/users/{id}", use: get)
        routes.on(.patch, "/api/v1/users/{id}", use: update)
        routes.on(.delete, "/api/v1/users/{id}", use: delete)
        routes.on(.post, "/api/v1/users/{id}/unlock", use: unlock)
        routes.on(.get, "/api/v1/audit-events", use: auditEvents)
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        return JSONResponse.success(message: "User retrieved successfully", data: UserBody(user: users.me(principal)), context: context)
    }

    @Sendable func updateMe(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let json = try JSONBody.object(in: context)
        let change = UserService.ProfileChange(
            name: json.string("name"), email: json.string("email"), currentPassword: json.string("currentPassword"),
            unknownFields: json.unknownKeys(allowed: ["name", "email", "currentPassword"])
        )
        let user = try await users.updateMe(change, principal, origin: context.origin(request))
        let message = user.pendingEmail == nil ? "User updated successfully" : "User updated; confirm the new email address from the link sent to it"
        return JSONResponse.success(message: message, data: UserBody(user: user), context: context)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let page = try PageRequest.parse(page: context.query["page"], limit: context.query["limit"])
        let (search, role) = (context.query["search"], context.query["role"])
        if let text = context.query["q"] {
            // `q` takes precedence: a `search` beside it is ignored (and left out of the links), as documented.
            let result = try await users.search(text, role: role, page: page, principal)
            var extra = ["q": text]
            extra["role"] = role
            return JSONResponse.success(
                message: "Users retrieved successfully",
                data: result.items.map { SearchHitBody(UserBody(user: $0.item, administrative: true), hit: $0) },
                meta: PageMeta(page: page.page, limit: page.limit, total: result.total, totalPages: result.totalPages),
                links: PageLinks(path: "/api/v1/users", page: result, extra: extra),
                context: context
            )
        }
        let result = try await users.list(search: search, role: role, page: page, principal)
        var extra: [String: String] = [:]
        extra["search"] = search
        extra["role"] = role
        return JSONResponse.success(
            message: "Users retrieved successfully",
            data: result.items.map { UserBody(user: $0, administrative: true) },
            meta: PageMeta(page: page.page, limit: page.limit, total: result.total, totalPages: result.totalPages),
            links: PageLinks(path: "/api/v1/users", page: result, extra: extra),
            context: context
        )
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let user = try await users.get(id: try context.parameters.require("id"), principal)
        return JSONResponse.success(message: "User retrieved successfully", data: UserBody(user: user, administrative: true), context: context)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let json = try JSONBody.object(in: context)
        let change = UserService.AdminChange(
            name: json.string("name"), role: json.string("role"), isActive: json.bool("isActive"),
            unknownFields: json.unknownKeys(allowed: ["name", "role", "isActive"])
        )
        let user = try await users.update(id: try context.parameters.require("id"), change, principal, origin: context.origin(request))
        return JSONResponse.success(message: "User updated successfully", data: UserBody(user: user, administrative: true), context: context)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        try await users.delete(id: try context.parameters.require("id"), principal, origin: context.origin(request))
        return JSONResponse.success(message: "User deleted successfully", data: NoData?.none, context: context)
    }

    @Sendable func unlock(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let user = try await users.unlock(id: try context.parameters.require("id"), principal, origin: context.origin(request))
        return JSONResponse.success(message: "User unlocked successfully", data: UserBody(user: user, administrative: true), context: context)
    }

    @Sendable func auditEvents(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let page = try PageRequest.parse(page: context.query["page"], limit: context.query["limit"])
        let query = context.query
        var problems: [FieldError] = []
        var filter = AuditFilter(action: query["action"])
        if let actor = query["actor"] {
            filter.actorID = UUID(uuidString: actor)
            if filter.actorID == nil { problems.append(FieldError(field: "actor", message: "actor must be a user id")) }
        }
        for key in ["from", "to"] {
            guard let text = query[key] else { continue }
            guard let date = Timestamp.parse(text) else {
                problems.append(FieldError(field: key, message: "\(key) must be an ISO-8601 timestamp such as 2026-01-31T12:00:00.000Z"))
                continue
            }
            if key == "from" { filter.from = date } else { filter.to = date }
        }
        guard problems.isEmpty else { throw DomainError.validation(problems) }
        let result = try await users.auditEvents(filter: filter, page: page, principal)
        var extra: [String: String] = [:]
        for key in ["actor", "action", "from", "to"] { extra[key] = query[key] }
        return JSONResponse.success(
            message: "Audit events retrieved successfully",
            data: result.items.map(AuditEventBody.init),
            meta: PageMeta(page: page.page, limit: page.limit, total: result.total, totalPages: result.totalPages),
            links: PageLinks(path: "/api/v1/audit-events", page: result, extra: extra),
            context: context
        )
    }
}
