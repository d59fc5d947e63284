import Domain
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A failure the HTTP adapter itself detects (body too large, wrong content type, malformed JSON, rate limited):
/// the status, the message for the client and any headers to send with it.
struct HTTPProblem: Error {
    let status: HTTPResponse.Status
    let message: String
    var errors: [FieldError] = []
    var headers: HTTPFields = [:]
}

/// The one place that turns any error into the status and message a client sees.
enum ErrorMapping {
    struct Mapped {
        let status: HTTPResponse.Status
        let message: String
        let errors: [FieldError]
        let headers: HTTPFields
    }

    static func map(_ error: any Error) -> Mapped {
        switch error {
        case let problem as HTTPProblem:
            return Mapped(status: problem.status, message: problem.message, errors: problem.errors, headers: problem.headers)
        case let domain as DomainError:
            return map(domain)
        case let upload as UploadError:
            return map(upload)
        case ObjectStorageError.invalidRange(let size):
            return Mapped(
                status: .rangeNotSatisfiable, message: "Range not satisfiable", errors: [], headers: [.contentRange: "bytes */\(size)"])
        case is NIOTooManyBytesError:
            return Mapped(status: .contentTooLarge, message: "Request body is too large", errors: [], headers: [:])
        case let http as HTTPError where http.status == .notFound:
            return Mapped(status: .notFound, message: "Route not found", errors: [], headers: [:])
        case let http as HTTPError where http.status.code < 500:
            return Mapped(status: http.status, message: http.status.reasonPhrase, errors: [], headers: [:])
        default:
            return Mapped(status: .internalServerError, message: "Internal server error", errors: [], headers: [:])
        }
    }

    private static func map(_ error: DomainError) -> Mapped {
        switch error {
        case .validation(let errors):
            Mapped(status: .badRequest, message: "Validation failed", errors: errors, headers: [:])
        case .notFound(let resource):
            Mapped(status: .notFound, message: "\(resource) not found", errors: [], headers: [:])
        case .conflict(let message):
            Mapped(status: .conflict, message: message, errors: [], headers: [:])
        case .unavailable:
            Mapped(status: .serviceUnavailable, message: "Service temporarily unavailable", errors: [], headers: [.retryAfter: "5"])
        case .unauthenticated:
            Mapped(status: .unauthorized, message: "Invalid or missing credentials", errors: [], headers: [.wwwAuthenticate: "Bearer"])
        case .forbidden(let message):
            Mapped(status: .forbidden, message: message, errors: [], headers: [:])
        case .rateLimited(let seconds):
            Mapped(
                status: .tooManyRequests, message: "Too many requests, please try again later", errors: [], headers: [.retryAfter: String(seconds)])
        case .overloaded(let seconds):
            Mapped(status: .serviceUnavailable, message: "Server busy, please retry", errors: [], headers: [.retryAfter: String(seconds)])
        }
    }

    private static func map(_ error: UploadError) -> Mapped {
        switch error {
        case .tooLarge(let limit):
            Mapped(status: .contentTooLarge, message: "File is larger than the limit of \(limit) bytes", errors: [], headers: [.connection: "close"])
        case .unsupportedType(let allowed):
            Mapped(
                status: .unsupportedMediaType, message: "File type not allowed; allowed: \(allowed.joined(separator: ", "))",
                errors: [FieldError(field: "file", message: "must be one of: \(allowed.joined(separator: ", "))")], headers: [:])
        case .empty:
            Mapped(status: .badRequest, message: "File is empty", errors: [FieldError(field: "file", message: "must not be empty")], headers: [:])
        case .unreadable:
            Mapped(status: .badRequest, message: "Request body could not be read", errors: [], headers: [.connection: "close"])
        case .directUploadUnsupported:
            // A 409, not a 501: the route exists and works with other storage; this deployment's configuration refuses it.
            Mapped(status: .conflict, message: "Direct uploads need S3 storage; upload through the API instead", errors: [], headers: [:])
        }
    }

    /// The error envelope for `error`; server errors are logged with their detail, which never reaches the client.
    static func response(for error: any Error, requestId: String, logger: Logger) -> Response {
        let mapped = map(error)
        if mapped.status.code >= 500 {
            logger.error("request failed", metadata: ["error": "\(String(reflecting: error))", "status": "\(mapped.status.code)"])
        } else {
            logger.debug("request rejected", metadata: ["status": "\(mapped.status.code)", "reason": "\(mapped.message)"])
        }
        return JSONResponse.failure(mapped.status, message: mapped.message, errors: mapped.errors, headers: mapped.headers, requestId: requestId)
    }
}
