import Hummingbird
import Logging

/// Runs `router` on a free local port for `body`, then stops it: the other side of an outbound call (a webhook
/// receiver, an OTLP collector, a service that fails on cue).
public func withLocalHTTPServer(
    _ router: Router<BasicRequestContext>, _ body: @Sendable (_ port: Int) async throws -> Void
) async throws {
    let (ports, announce) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { announce.yield($0.localAddress?.port ?? 0) }, logger: Logger(label: "local-http-server"))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { announce.finish() }
            try await app.runService()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the local HTTP server did not start") }
        defer { group.cancelAll() }
        try await body(port)
    }
}
