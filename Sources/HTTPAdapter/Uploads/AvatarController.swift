import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/users/me/avatar` (the caller's picture: set, fetch, remove) and `/api/v1/users/{id}/avatar` (anyone's, for
/// anyone: pictures are shown where no credentials travel, such as an `<img>`).
struct AvatarController {
    let service: AvatarService?
    let authenticator: Authenticator

    func register(on routes: RouteCatalog) {
        routes.on(.put, "/api/v1/users/me/avatar", use: set)
        routes.on(.get, "/api/v1/users/me/avatar", use: downloadOwn)
        routes.on(.delete, "/api/v1/users/me/avatar", use: remove)
        routes.on(.get, "/api/v1/users/{id}/avatar", use: download)
    }

    @Sendable func set(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let service = try available()
        let body = try await UploadRequestBody.read(request, limit: service.policy.maxBytes)
        let avatar = try await service.set(body.chunks, length: body.length, by: principal)
        return JSONResponse.success(message: "Avatar updated successfully", data: AvatarBody(avatar, userID: principal.user.id), context: context)
    }

    @Sendable func downloadOwn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        return try await serve(request, userID: principal.user.id.uuidString)
    }

    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await serve(request, userID: try context.parameters.require("id"))
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        try await available().remove(by: principal)
        return JSONResponse.success(message: "Avatar removed successfully", data: NoData?.none, context: context)
    }

    private func serve(_ request: Request, userID: String) async throws -> Response {
        let range = ObjectResponse.range(request)
        let (avatar, download) = try await available().open(userID: userID, range: range)
        let name = "avatar." + (avatar.contentType.split(separator: "/").last.map(String.init) ?? "img")
        return ObjectResponse.make(
            download, contentType: avatar.contentType, sha256: avatar.sha256, disposition: ObjectResponse.disposition("inline", filename: name),
            partial: range != nil)
    }

    private func available() throws -> AvatarService {
        guard let service else { throw DomainError.unavailable("object storage is not configured") }
        return service
    }
}

/// A user's picture as the API shows it; `url` serves it to anyone.
struct AvatarBody: EncodableBody {
    let url: String
    let contentType: String
    let size: Int64
    let sha256: String
    let updatedAt: Date

    init(_ avatar: Avatar, userID: UUID) {
        url = "/api/v1/users/\(userID.uuidString.lowercased())/avatar"
        contentType = avatar.contentType
        size = avatar.size
        sha256 = avatar.sha256
        updatedAt = avatar.updatedAt
    }
}
