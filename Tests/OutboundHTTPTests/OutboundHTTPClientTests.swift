import Foundation
import Hummingbird
import Logging
import OutboundHTTP
import Synchronization
import TestSupport
import Testing

/// A local service whose answers the test scripts: slow, failing, then recovered.
final class ScriptedService: Sendable {
    enum Answer: Sendable {
        case ok
        case status(Int)
        case slow(Duration)
        /// 200 with a body of this many bytes.
        case large(Int)
    }

    private let script = Mutex<[Answer]>([])
    private let fallback = Mutex<Answer>(.ok)
    private let calls = Atomic<Int>(0)

    var callCount: Int { calls.load(ordering: .relaxed) }

    /// The next answers in order; after them, `then` for every call.
    func answer(_ answers: [Answer], then: Answer = .ok) {
        script.withLock { $0 = answers }
        fallback.withLock { $0 = then }
    }

    func next() -> Answer {
        calls.add(1, ordering: .relaxed)
        return script.withLock { $0.isEmpty ? nil : $0.removeFirst() } ?? fallback.withLock { $0 }
    }

    /// Runs the service on a free port for `body`.
    func run(_ body: @Sendable (_ url: String) async throws -> Void) async throws {
        let router = Router()
        router.post("/hook") { _, _ in try await self.respond() }
        router.get("/hook") { _, _ in try await self.respond() }
        try await withLocalHTTPServer(router) { port in try await body("http://127.0.0.1:\(port)/hook") }
    }

    private func respond() async throws -> Response {
        switch next() {
        case .ok: return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "fine")))
        case .status(let code): return Response(status: .init(code: code))
        case .slow(let delay):
            try await Task.sleep(for: delay)
            return Response(status: .ok)
        case .large(let size):
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: size)))
        }
    }
}

@Suite struct OutboundHTTPClientTests {
    static let fast = OutboundHTTPClient.Policy(
        connectTimeout: .seconds(5), attemptTimeout: .seconds(5), maximumAttempts: 3, initialBackoff: .milliseconds(10),
        maximumBackoff: .milliseconds(40), failureThreshold: 3, openDuration: .seconds(2))

    static func withClient(_ policy: OutboundHTTPClient.Policy = fast, _ body: (OutboundHTTPClient) async throws -> Void) async throws {
        let client = OutboundHTTPClient(service: "test hook", policy: policy, logger: Logger(label: "outbound-tests"))
        do {
            try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    @Test func anIdempotentCallIsRetriedThroughFailuresUntilTheServiceRecovers() async throws {
        let service = ScriptedService()
        service.answer([.status(503), .status(500)])
        try await service.run { url in
            try await Self.withClient { client in
                let response = try await client.postJSON(Array(#"{"id":"1"}"#.utf8), to: url, idempotent: true)
                #expect(response.status == 200)
                #expect(response.body == Array("fine".utf8))
                #expect(service.callCount == 3)
                #expect(client.breakerState == .closed)
            }
        }
    }

    @Test func aCallThatIsNotIdempotentIsSentOnce() async throws {
        let service = ScriptedService()
        service.answer([.status(503)])
        try await service.run { url in
            try await Self.withClient { client in
                await #expect(throws: OutboundHTTPClient.Failure.failed(service: "test hook", attempts: 1, reason: "status 503")) {
                    try await client.postJSON(Array("{}".utf8), to: url, idempotent: false)
                }
                #expect(service.callCount == 1)
            }
        }
    }

    @Test func aClientErrorIsTheCallersAnswerAndNeitherRetriedNorAFailure() async throws {
        let service = ScriptedService()
        service.answer([.status(404), .status(404), .status(404), .status(404)])
        try await service.run { url in
            try await Self.withClient { client in
                var statuses: [Int] = []
                for _ in 0..<4 { statuses.append(try await client.get(url).status) }
                #expect(statuses == [404, 404, 404, 404])
                #expect(service.callCount == 4)
                #expect(client.breakerState == .closed)
            }
        }
    }

    @Test func aSlowServiceTimesOutEachAttempt() async throws {
        let service = ScriptedService()
        service.answer([], then: .slow(.seconds(20)))
        let policy = {
            var policy = Self.fast
            policy.attemptTimeout = .seconds(1)
            return policy
        }()
        try await service.run { url in
            try await Self.withClient(policy) { client in
                // Each attempt would succeed after 20 s; the attempt timeout ends each one first. (On a loaded machine an
                // attempt can time out before its request reaches the service, so the service may count fewer.)
                await #expect(throws: OutboundHTTPClient.Failure.failed(service: "test hook", attempts: 3, reason: "timed out")) {
                    try await client.get(url)
                }
                #expect((1...3).contains(service.callCount))
            }
        }
    }

    @Test func theBreakerOpensAfterRepeatedFailuresThenLetsOneTrialThroughAndClosesOnRecovery() async throws {
        let service = ScriptedService()
        service.answer([], then: .status(503))
        try await service.run { url in
            try await Self.withClient { client in
                // Three failed attempts in a row (one call, retried) open it.
                await #expect(throws: OutboundHTTPClient.Failure.self) { try await client.get(url) }
                #expect(service.callCount == 3)
                #expect(client.breakerState == .open)

                // While open, calls fail at once without reaching the service.
                await #expect(throws: OutboundHTTPClient.Failure.circuitOpen(service: "test hook")) { try await client.get(url) }
                #expect(service.callCount == 3)

                // After the open period, one trial goes through; it fails, so the breaker opens again at once.
                try await Task.sleep(for: .milliseconds(2100))
                #expect(client.breakerState == .halfOpen)
                await #expect(throws: OutboundHTTPClient.Failure.self) { try await client.get(url) }
                #expect(service.callCount == 4)
                #expect(client.breakerState == .open)

                // The service recovers: the next trial succeeds and closes the breaker.
                service.answer([], then: .ok)
                try await Task.sleep(for: .milliseconds(2100))
                #expect(try await client.get(url).status == 200)
                #expect(client.breakerState == .closed)
                #expect(try await client.get(url).status == 200)
                #expect(service.callCount == 6)
            }
        }
    }

    @Test func aLongAnswerIsCutToTheLimitAndIsNoFailure() async throws {
        let service = ScriptedService()
        service.answer([.large(200_000)])
        var policy = Self.fast
        policy.maximumResponseBytes = 1024
        let limited = policy
        try await service.run { url in
            try await Self.withClient(limited) { client in
                let response = try await client.get(url)
                #expect(response.status == 200)
                #expect(response.body.count == 1024)
                #expect(service.callCount == 1)
                #expect(client.breakerState == .closed)
            }
        }
    }

    /// Found in review: a half-open trial whose task was cancelled left the breaker refusing every call for good.
    @Test func aCancelledTrialDoesNotHoldTheBreakerOpen() async throws {
        let service = ScriptedService()
        service.answer([], then: .status(503))
        try await service.run { url in
            try await Self.withClient { client in
                await #expect(throws: OutboundHTTPClient.Failure.self) { try await client.get(url) }
                #expect(client.breakerState == .open)
                try await Task.sleep(for: .milliseconds(2100))
                // The trial meets a service that does not answer, and its caller gives up.
                service.answer([], then: .slow(.seconds(10)))
                let trial = Task { try await client.get(url) }
                for _ in 0..<250 where service.callCount < 4 { try await Task.sleep(for: .milliseconds(20)) }
                trial.cancel()
                _ = await trial.result
                // The next call is a trial of its own, and the recovered service closes the breaker.
                service.answer([], then: .ok)
                #expect(try await client.get(url).status == 200)
                #expect(client.breakerState == .closed)
            }
        }
    }

    @Test func aServiceThatIsNotThereFailsWithoutHanging() async throws {
        let port = try freePort()
        try await Self.withClient { client in
            await #expect(throws: OutboundHTTPClient.Failure.self) { try await client.get("http://127.0.0.1:\(port)/hook") }
        }
    }
}
