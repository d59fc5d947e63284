import CHiredis
import Foundation

/// A value Redis answered with. Bulk and status strings are text: Portside stores nothing else.
public enum RedisValue: Sendable, Equatable {
    case null
    case integer(Int)
    case text(String)
    case array([RedisValue])

    var int: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    var string: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    var array: [RedisValue] {
        if case .array(let values) = self { return values }
        return []
    }
}

/// Redis refused a command (an error reply such as `-ERR` or `-NOSCRIPT`): the connection itself is fine.
public struct RedisReplyError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { "Redis answered an error: \(message)" }
}

/// The connection failed: refused, timed out, closed, or it spoke something else than Redis. Redis is unreachable.
struct RedisConnectionFailure: Error, CustomStringConvertible {
    let reason: String
    var description: String { "no answer from Redis: \(reason)" }
}

/// One blocking connection to Redis through hiredis. Not thread-safe: the client hands it to one thread at a time,
/// and every call blocks that thread for at most the timeouts given.
final class RedisConnection {
    private let context: UnsafeMutablePointer<redisContext>

    /// Connects within `connectTimeout`, then authenticates and selects the URL's database; every command after that
    /// may take `commandTimeout` to be sent and answered.
    init(url: RedisURL, connectTimeout: Duration, commandTimeout: Duration) throws {
        guard let context = redisConnectWithTimeout(url.host, Int32(url.port), timeval(connectTimeout)) else {
            throw RedisConnectionFailure(reason: "out of memory")
        }
        guard context.pointee.err == 0 else {
            let reason = Self.errorText(context)
            redisFree(context)
            throw RedisConnectionFailure(reason: reason)
        }
        redisSetTimeout(context, timeval(commandTimeout))
        self.context = context
        if let password = url.password {
            _ = try command(url.username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
        }
        if url.database != 0 { _ = try command(["SELECT", String(url.database)]) }
    }

    deinit {
        redisFree(context)
    }

    /// Whether an earlier command broke the connection (it must then be dropped).
    private(set) var isBroken = false

    /// Sends one command and waits for its answer. An error reply throws `RedisReplyError`; a failed connection
    /// throws `RedisConnectionFailure` and leaves the connection broken.
    func command(_ arguments: [String]) throws -> RedisValue {
        precondition(!isBroken, "a broken Redis connection was used again")
        let arguments = arguments.map { Array($0.utf8) }
        var lengths = arguments.map(\.count)
        let buffers = arguments.map { bytes -> UnsafeMutablePointer<CChar> in
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, bytes.count))
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress ?? UnsafeRawPointer(buffer), byteCount: bytes.count)
            }
            return buffer
        }
        defer { for buffer in buffers { buffer.deallocate() } }
        var argv: [UnsafePointer<CChar>?] = buffers.map { UnsafePointer($0) }
        guard let reply = redisCommandArgv(context, Int32(argv.count), &argv, &lengths) else {
            isBroken = true
            throw RedisConnectionFailure(reason: Self.errorText(context))
        }
        defer { freeReplyObject(reply) }
        return try Self.value(of: reply.assumingMemoryBound(to: redisReply.self))
    }

    private static func value(of reply: UnsafeMutablePointer<redisReply>) throws -> RedisValue {
        let reply = reply.pointee
        switch reply.type {
        case REDIS_REPLY_INTEGER:
            return .integer(Int(reply.integer))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_STRING, REDIS_REPLY_STATUS:
            return .text(text(reply))
        case REDIS_REPLY_ARRAY:
            var values: [RedisValue] = []
            values.reserveCapacity(reply.elements)
            for index in 0..<reply.elements {
                guard let element = reply.element[index] else {
                    values.append(.null)
                    continue
                }
                values.append(try value(of: element))
            }
            return .array(values)
        case REDIS_REPLY_ERROR:
            throw RedisReplyError(message: text(reply))
        default:
            throw RedisReplyError(message: "an answer of unknown type \(reply.type)")
        }
    }

    private static func text(_ reply: redisReply) -> String {
        guard let bytes = reply.str else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: reply.len), as: UTF8.self)
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

extension timeval {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
