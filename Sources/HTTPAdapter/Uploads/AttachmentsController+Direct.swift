import Domain
import Foundation
import HTTPTypes
import Hummingbird

extension AttachmentsController {
    /// `POST .../attachments/uploads` `{contentType}`: a presigned PUT URL (S3 storage only; 409 on the filesystem).
    @Sendable func beginDirectUpload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let contentType = try Self.string("contentType", in: try JSONBody.object(in: context))
        let upload = try await available().beginDirectUpload(exampleID: try context.parameters.require("id"), contentType: contentType, by: principal)
        return JSONResponse.success(.created, message: "Upload URL created successfully", data: DirectUploadBody(upload), context: context)
    }

    /// `POST .../attachments/uploads/{uploadId}/complete` `{filename}`: checks the uploaded bytes and records them.
    @Sendable func completeDirectUpload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let filename = try Self.string("filename", in: try JSONBody.object(in: context))
        let attachment = try await available().completeDirectUpload(
            exampleID: try context.parameters.require("id"), uploadID: try context.parameters.require("uploadId"), filename: filename,
            by: principal)
        var response = JSONResponse.success(.created, message: "Attachment uploaded successfully", data: AttachmentBody(attachment), context: context)
        response.headers[.location] = AttachmentBody.url(attachment)
        return response
    }

    /// The one string field `name` of a body that may hold nothing else.
    static func string(_ name: String, in object: [String: JSONValue]) throws -> String {
        var problems = object.keys.filter { $0 != name }.sorted().map { FieldError(field: $0, message: "\($0) is not an allowed field") }
        var value: String?
        switch object[name] {
        case .string(let text): value = text
        case nil: problems.append(FieldError(field: name, message: "\(name) is required"))
        default: problems.append(FieldError(field: name, message: "\(name) must be a string"))
        }
        guard problems.isEmpty, let value else { throw DomainError.validation(problems) }
        return value
    }
}

/// A presigned upload as the API shows it.
struct DirectUploadBody: EncodableBody {
    let uploadId: UUID
    let url: String
    let method: String
    let headers: [String: String]
    let expiresAt: Date
    let maxSize: Int64

    init(_ upload: DirectUpload) {
        uploadId = upload.id
        url = upload.url.absoluteString
        method = upload.method
        headers = upload.headers
        expiresAt = upload.expiresAt
        maxSize = upload.maxBytes
    }
}
