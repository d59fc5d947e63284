import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The JSON envelope of every API response.
///
/// success: `{"success":true,"statusCode":200,"message":"...","data":...,"meta":{...}?,"links":{...}?,"requestId":"..."}`
/// error:   `{"success":false,"statusCode":400,"message":"...","errors":[{"field":"...","message":"..."}]?,"requestId":"..."}`
struct Envelope<Data: Encodable>: Encodable {
    let success: Bool
    let statusCode: Int
    let message: String
    let data: Data?
    let meta: PageMeta?
    let links: PageLinks?
    let errors: [FieldErrorBody]?
    let requestId: String

    enum CodingKeys: String, CodingKey {
        case success, statusCode, message, data, meta, links, errors, requestId
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(success, forKey: .success)
        try container.encode(statusCode, forKey: .statusCode)
        try container.encode(message, forKey: .message)
        // A successful answer always carries `data`, null included, so clients can rely on the key.
        if success { try container.encode(data, forKey: .data) } else { try container.encodeIfPresent(data, forKey: .data) }
        try container.encodeIfPresent(meta, forKey: .meta)
        try container.encodeIfPresent(links, forKey: .links)
        try container.encodeIfPresent(errors, forKey: .errors)
        try container.encode(requestId, forKey: .requestId)
    }
}

struct FieldErrorBody: Encodable {
    let field: String
    let message: String
}

struct PageMeta: Encodable {
    let page: Int
    let limit: Int
    let total: Int
    let totalPages: Int
}

struct PageLinks: Encodable {
    let first: String
    let last: String
    let prev: String?
    let next: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(first, forKey: .first)
        try container.encode(last, forKey: .last)
        try container.encode(prev, forKey: .prev)
        try container.encode(next, forKey: .next)
    }

    enum CodingKeys: String, CodingKey { case first, last, prev, next }
}

/// An empty `data` payload, encoded as null.
struct NoData: Encodable {}

enum JSONResponse {
    static let contentType = "application/json; charset=utf-8"

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// A success envelope around `data`.
    static func success<Data: Encodable>(
        _ status: HTTPResponse.Status = .ok,
        message: String,
        data: Data?,
        meta: PageMeta? = nil,
        links: PageLinks? = nil,
        context: AppRequestContext
    ) throws -> Response {
        let envelope = Envelope(
            success: true, statusCode: status.code, message: message, data: data, meta: meta, links: links, errors: nil,
            requestId: context.requestId
        )
        return try make(status, envelope)
    }

    /// An error envelope; `data` is only used where the failure itself has a report (health checks).
    static func failure<Data: Encodable>(
        _ status: HTTPResponse.Status,
        message: String,
        errors: [FieldError] = [],
        data: Data? = NoData?.none,
        headers: HTTPFields = [:],
        requestId: String
    ) -> Response {
        let envelope = Envelope(
            success: false, statusCode: status.code, message: message, data: data, meta: nil, links: nil,
            errors: errors.isEmpty ? nil : errors.map { FieldErrorBody(field: $0.field, message: $0.message) },
            requestId: requestId
        )
        var response = (try? make(status, envelope)) ?? Response(status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    private static func make(_ status: HTTPResponse.Status, _ body: some Encodable) throws -> Response {
        let data = try encoder.encode(body)
        return Response(
            status: status,
            headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
