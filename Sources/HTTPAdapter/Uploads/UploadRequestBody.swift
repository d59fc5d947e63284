import Domain
import HTTPTypes
import Hummingbird
import NIOCore

/// A request body handed to an upload use case as it arrives: the routes that take files skip `BodyMiddleware`, so
/// the bytes stream to storage instead of being read into memory first.
struct UploadRequestBody {
    let chunks: AsyncMapSequence<RequestBody, [UInt8]>
    let length: Int64

    /// The paths of the streaming routes, `/api/v1/users/me/avatar` and `/api/v1/examples/{id}/attachments`, whatever the
    /// method: their other methods take no body, and one that is not theirs must meet 405, not a 415 for a file body.
    static func isStreamed(_ request: Request) -> Bool {
        let path = request.uri.path
        if path == "/api/v1/users/me/avatar" { return true }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return segments.count == 6 && segments[1] == "api" && segments[2] == "v1" && segments[3] == "examples" && segments[5] == "attachments"
    }

    /// The body of `request`, refused with 413 before a byte is read when its declared length is over `limit`. A body
    /// with a `Content-Length` streams; one without (chunked) is read into memory up to `limit` first, since storage
    /// needs the exact length before the first byte (S3's `Content-Length`); past `limit` it is 413.
    static func read(_ request: Request, limit: Int64) async throws -> UploadRequestBody {
        if let declared = request.headers[.contentLength] {
            guard let length = Int64(declared), length >= 0 else { throw UploadError.unreadable }
            if length > limit { throw UploadError.tooLarge(limit: limit) }
            return UploadRequestBody(chunks: request.body.map { Array(buffer: $0) }, length: length)
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Int(limit))
        } catch is NIOTooManyBytesError {
            throw UploadError.tooLarge(limit: limit)
        } catch {
            throw UploadError.unreadable
        }
        let bytes = Array(buffer: buffer)
        return UploadRequestBody(chunks: RequestBody(buffer: buffer).map { _ in bytes }, length: Int64(bytes.count))
    }
}
