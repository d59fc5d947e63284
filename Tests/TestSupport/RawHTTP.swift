import Foundation
import NIOCore
import NIOPosix

/// An HTTP/1.1 response read off a socket.
public struct RawResponse: Sendable {
    public let status: Int
    public let headers: [(name: String, value: String)]
    public let body: String

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body parsed as a JSON object.
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }
}

public struct RawHTTPTimeout: Error {}

/// A client that writes raw bytes on a socket: for what ordinary clients cannot do (no Content-Length, a body sent
/// in pieces, a request left half-written while the server shuts down, a connection left idle).
public actor RawConnection {
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var pending: [UInt8] = []
    private var closed = false
    private var waiter: CheckedContinuation<Void, Never>?

    init(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.outbound = outbound
    }

    /// Connects to 127.0.0.1:`port`, runs `body`, then closes.
    public static func with<T: Sendable>(port: Int, _ body: @Sendable (RawConnection) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let underlying = channel.channel
        return try await channel.executeThenClose { inbound, outbound in
            let connection = RawConnection(outbound: outbound)
            return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
                group.addTask {
                    do {
                        for try await buffer in inbound { await connection.received(buffer) }
                    } catch {}
                    await connection.finished()
                }
                do {
                    let result = try await body(connection)
                    underlying.close(promise: nil)
                    return result
                } catch {
                    underlying.close(promise: nil)
                    throw error
                }
            }
        }
    }

    public func write(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// Reads one response (headers, then a Content-Length body), waiting at most `seconds`.
    public func readResponse(timeout seconds: Double = 15) async throws -> RawResponse {
        try await withTimeout(seconds) {
            try await self.nextResponse()
        }
    }

    /// Waits until the server closes the connection; returns false if it is still open after `seconds`.
    public func waitForClose(timeout seconds: Double) async throws -> Bool {
        do {
            return try await withTimeout(seconds) {
                await self.untilClosed()
                return true
            }
        } catch is RawHTTPTimeout {
            return false
        }
    }

    /// Waits until the bytes received and not yet read as a response contain `text`, and returns them all (raw: a
    /// chunked body keeps its chunk-size lines), for responses that never end, such as an event stream.
    public func received(containing text: String, timeout seconds: Double = 15) async throws -> String {
        try await withTimeout(seconds) {
            try await self.untilReceived(text)
        }
    }

    private func untilReceived(_ text: String) async throws -> String {
        while true {
            let received = String(decoding: pending, as: UTF8.self)
            if received.contains(text) { return received }
            if closed || Task.isCancelled { throw RawHTTPTimeout() }
            await waitForEvent()
        }
    }

    private func nextResponse() async throws -> RawResponse {
        while true {
            if let response = Self.extract(&pending) { return response }
            if closed || Task.isCancelled { throw RawHTTPTimeout() }
            await waitForEvent()
        }
    }

    private func untilClosed() async {
        while !closed && !Task.isCancelled { await waitForEvent() }
    }

    private func waitForEvent() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiter = $0 }
        } onCancel: {
            Task { await self.wake() }
        }
    }

    private func wake() {
        waiter?.resume()
        waiter = nil
    }

    func received(_ buffer: ByteBuffer) {
        pending.append(contentsOf: buffer.readableBytesView)
        wake()
    }

    func finished() {
        closed = true
        wake()
    }

    private static func extract(_ bytes: inout [UInt8]) -> RawResponse? {
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        let headers = head.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let bodyStart = end.upperBound
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        guard bytes.count - bodyStart >= length else { return nil }
        let body = String(decoding: bytes[bodyStart..<(bodyStart + length)], as: UTF8.self)
        bytes.removeFirst(bodyStart + length)
        return RawResponse(status: status, headers: headers, body: body)
    }
}

extension RawConnection {
    /// Sends one request and reads its response.
    public static func request(
        port: Int,
        _ method: String,
        _ path: String,
        headers: [String: String] = [:],
        body: String? = nil
    ) async throws -> RawResponse {
        try await with(port: port) { connection in
            var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            for (name, value) in headers { text += "\(name): \(value)\r\n" }
            if let body {
                if headers["Content-Type"] == nil { text += "Content-Type: application/json\r\n" }
                text += "Content-Length: \(body.utf8.count)\r\n"
            }
            text += "\r\n" + (body ?? "")
            try await connection.write(text)
            return try await connection.readResponse()
        }
    }
}

/// Runs `body`, throwing `RawHTTPTimeout` if it has not finished after `seconds`.
public func withTimeout<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            throw RawHTTPTimeout()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// A TCP port that was free a moment ago.
public func freePort() throws -> Int {
    let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
    defer { try? channel.close().wait() }
    return channel.localAddress?.port ?? 0
}
