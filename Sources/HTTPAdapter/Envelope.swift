import Domain
import HTTPTypes
import Hummingbird
import NIOCore

/// The JSON envelope of every API response, written in this order:
///
/// success: `{"success":true,"statusCode":200,"message":"...","data":...,"meta":{...}?,"links":{...}?,"requestId":"..."}`
/// error:   `{"success":false,"statusCode":400,"message":"...","errors":[{"field":"...","message":"..."}]?,"requestId":"..."}`
struct Envelope<Data: JSONWritable>: JSONWritable {
    let success: Bool
    let statusCode: Int
    let message: String
    let data: Data?
    var meta: PageMeta?
    var links: PageLinks?
    var errors: [FieldErrorBody]?
    let requestId: String

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("success", success)
        json.field("statusCode", statusCode)
        json.field("message", message)
        // A successful answer always carries `data`, null included, so clients can rely on the key.
        if success || data != nil { json.field("data", data) }
        if let meta { json.field("meta", meta) }
        if let links { json.field("links", links) }
        if let errors { json.field("errors", errors) }
        json.field("requestId", requestId)
        json.endObject()
    }
}

struct FieldErrorBody: EncodableBody {
    let field: String
    let message: String
}

struct PageMeta: EncodableBody {
    let page: Int
    let limit: Int
    let total: Int
    let totalPages: Int
}

struct PageLinks: EncodableBody {
    let first: String
    let last: String
    let prev: String?
    let next: String?
}

/// An empty `data` payload, written as null.
struct NoData: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.null()
    }
}

enum JSONResponse {
    static let contentType = "application/json; charset=utf-8"

    /// A success envelope around `data`.
    static func success<Data: JSONWritable>(
        _ status: HTTPResponse.Status = .ok,
        message: String,
        data: Data?,
        meta: PageMeta? = nil,
        links: PageLinks? = nil,
        context: AppRequestContext
    ) -> Response {
        let envelope = Envelope(
            success: true, statusCode: status.code, message: message, data: data, meta: meta, links: links,
            requestId: context.requestId
        )
        return make(status, envelope)
    }

    /// An error envelope; `data` is only used where the failure itself has a report (health checks).
    static func failure<Data: JSONWritable>(
        _ status: HTTPResponse.Status,
        message: String,
        errors: [FieldError] = [],
        data: Data? = NoData?.none,
        headers: HTTPFields = [:],
        requestId: String
    ) -> Response {
        let envelope = Envelope(
            success: false, statusCode: status.code, message: message, data: data,
            errors: errors.isEmpty ? nil : errors.map { FieldErrorBody(field: $0.field, message: $0.message) },
            requestId: requestId
        )
        var response = make(status, envelope)
        response.headers.append(contentsOf: headers)
        return response
    }

    private static func make(_ status: HTTPResponse.Status, _ body: some JSONWritable) -> Response {
        var json = JSONWriter()
        body.write(to: &json)
        return Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: json.buffer))
    }
}
