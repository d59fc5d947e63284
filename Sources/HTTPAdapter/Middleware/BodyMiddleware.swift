import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Reads every request body before anything else looks at it (so before authentication): over `BODY_LIMIT` is 413,
/// whether or not the client declared a Content-Length; a non-empty body that is not JSON is 415.
struct BodyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // File uploads stream to storage under limits of their own.
        if UploadRequestBody.isStreamed(request) { return try await next(request, context) }
        // HTTP/1.1 sends a body only with a Content-Length or a Transfer-Encoding (RFC 9112, 6.3): without either there
        // is none to read, and most requests (every GET) are spared a pass over an empty body stream.
        if request.headers[.contentLength] == nil, request.headers[.transferEncoding] == nil {
            var context = context
            context.body = ByteBuffer()
            return try await next(request, context)
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw Self.tooLarge(limit)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Self.tooLarge(limit)
        } catch {
            // A malformed chunked encoding or a client gone mid-upload: the client's fault, never a 500.
            context.logger.debug("request body could not be read", metadata: ["error": "\(error)"])
            throw HTTPProblem(status: .badRequest, message: "Request body could not be read", headers: [.connection: "close"])
        }
        if body.readableBytes > 0, !Self.isJSON(request.headers[.contentType]) {
            throw HTTPProblem(status: .unsupportedMediaType, message: "Content-Type must be application/json")
        }
        var context = context
        context.body = body
        return try await next(request, context)
    }

    static func tooLarge(_ limit: Int) -> HTTPProblem {
        HTTPProblem(status: .contentTooLarge, message: "Request body is larger than the limit of \(limit) bytes", headers: [.connection: "close"])
    }

    /// `application/json` or any `application/*+json`, with or without parameters such as charset. Any other
    /// value, an empty one or one of separators only (`;`) included, is not JSON.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        // Not `split(...)[0]`: splitting an empty value or a lone `;` yields no pieces at all.
        let end = contentType.firstIndex(of: ";") ?? contentType.endIndex
        let mediaType = contentType[..<end].trimmingCharacters(in: .whitespaces).lowercased()
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
