import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/examples/{id}/attachments`: files attached to an example, uploaded through the API as a raw body (streamed
/// to storage) or straight to the bucket with a presigned URL, then listed, downloaded and deleted.
struct AttachmentsController {
    let service: AttachmentService?
    let authenticator: Authenticator

    func register(on routes: RouteCatalog) {
        routes.on(.get, "/api/v1/examples/{id}/attachments", use: list)
        routes.on(.post, "/api/v1/examples/{id}/attachments", use: upload)
        routes.on(.get, "/api/v1/examples/{id}/attachments/{attachmentId}", use: download)
        routes.on(.delete, "/api/v1/examples/{id}/attachments/{attachmentId}", use: delete)
        routes.on(.post, "/api/v1/examples/{id}/attachments/uploads", use: beginDirectUpload)
        routes.on(.post, "/api/v1/examples/{id}/attachments/uploads/{uploadId}/complete", use: completeDirectUpload)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let attachments = try await available().list(exampleID: try context.parameters.require("id"))
        return JSONResponse.success(message: "Attachments retrieved successfully", data: attachments.map(AttachmentBody.init), context: context)
    }

    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let service = try available()
        let body = try await UploadRequestBody.read(request, limit: service.policy.maxBytes)
        let attachment = try await service.upload(
            exampleID: try context.parameters.require("id"), filename: context.query["filename"], body: body.chunks, length: body.length,
            by: principal)
        var response = JSONResponse.success(.created, message: "Attachment uploaded successfully", data: AttachmentBody(attachment), context: context)
        response.headers[.location] = AttachmentBody.url(attachment)
        return response
    }

    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let range = ObjectResponse.range(request)
        let (attachment, download) = try await available().open(
            exampleID: try context.parameters.require("id"), id: try context.parameters.require("attachmentId"), range: range)
        return ObjectResponse.make(
            download, contentType: attachment.contentType, sha256: attachment.sha256,
            disposition: ObjectResponse.disposition("attachment", filename: attachment.filename), partial: range != nil)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        try await available().delete(
            exampleID: try context.parameters.require("id"), id: try context.parameters.require("attachmentId"), by: principal)
        return JSONResponse.success(message: "Attachment deleted successfully", data: NoData?.none, context: context)
    }

    func available() throws -> AttachmentService {
        guard let service else { throw DomainError.unavailable("object storage is not configured") }
        return service
    }
}

/// An attachment as the API shows it; `url` downloads it.
struct AttachmentBody: EncodableBody {
    let id: UUID
    let exampleId: UUID
    let filename: String
    let contentType: String
    let size: Int64
    let sha256: String
    let createdAt: Date
    let url: String

    init(_ attachment: Attachment) {
        id = attachment.id
        exampleId = attachment.exampleID
        filename = attachment.filename
        contentType = attachment.contentType
        size = attachment.size
        sha256 = attachment.sha256
        createdAt = attachment.createdAt
        url = Self.url(attachment)
    }

    static func url(_ attachment: Attachment) -> String {
        "/api/v1/examples/\(attachment.exampleID.uuidString.lowercased())/attachments/\(attachment.id.uuidString.lowercased())"
    }
}
