import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The one way Portside calls other services over HTTP (webhooks today). Every call has a deadline; calls the caller
/// marks idempotent are retried a bounded number of times with exponential backoff and jitter; and a circuit breaker
/// stops calling a service that keeps failing, so a dead dependency costs a fast error instead of a timeout per call.
///
/// After `failureThreshold` failures in a row the breaker opens: calls fail at once with `.circuitOpen` for
/// `openDuration`. Then one trial call goes through (half-open): success closes the breaker, failure opens it again.
/// A failure is a transport error, a timeout, or a 5xx/429 answer; other answers are the caller's business.
public final class OutboundHTTPClient: Sendable {
    public struct Policy: Sendable {
        /// Connecting, and the whole of one attempt.
        public var connectTimeout: Duration
        public var attemptTimeout: Duration
        /// Attempts of an idempotent call, the first included (other calls get one).
        public var maximumAttempts: Int
        /// The wait before the second attempt, doubled each time up to `maximumBackoff`, each with up to 50% jitter.
        public var initialBackoff: Duration
        public var maximumBackoff: Duration
        public var failureThreshold: Int
        public var openDuration: Duration
        /// The largest part of a response body kept; the rest is not read.
        public var maximumResponseBytes: Int

        public init(
            connectTimeout: Duration = .seconds(2), attemptTimeout: Duration = .seconds(5), maximumAttempts: Int = 3,
            initialBackoff: Duration = .milliseconds(200), maximumBackoff: Duration = .seconds(5), failureThreshold: Int = 5,
            openDuration: Duration = .seconds(30), maximumResponseBytes: Int = 64 * 1024
        ) {
            self.connectTimeout = connectTimeout
            self.attemptTimeout = attemptTimeout
            self.maximumAttempts = max(1, maximumAttempts)
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
            self.failureThreshold = max(1, failureThreshold)
            self.openDuration = openDuration
            self.maximumResponseBytes = maximumResponseBytes
        }
    }

    public struct Response: Sendable {
        public let status: Int
        public let body: [UInt8]
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The breaker is open: the service failed `failureThreshold` times in a row recently.
        case circuitOpen(service: String)
        /// Every attempt failed; the last one this way.
        case failed(service: String, attempts: Int, reason: String)

        public var description: String {
            switch self {
            case .circuitOpen(let service): "\(service): not called, it failed repeatedly (circuit open)"
            case .failed(let service, let attempts, let reason): "\(service): failed after \(attempts) attempt(s): \(reason)"
            }
        }
    }

    /// Where the breaker stands, for tests and health reports.
    public enum BreakerState: Sendable, Equatable {
        case closed
        case open
        case halfOpen
    }

    public let service: String
    private let policy: Policy
    private let client: HTTPClient
    private let breaker: Mutex<Breaker>
    private let logger: Logger

    /// `service` names the called service in errors and logs (never the URL, which may carry a secret).
    public init(service: String, policy: Policy = Policy(), logger: Logger) {
        self.service = service
        self.policy = policy
        var configuration = HTTPClient.Configuration(
            timeout: .init(connect: TimeAmount(policy.connectTimeout), read: TimeAmount(policy.attemptTimeout))
        )
        configuration.redirectConfiguration = .disallow
        self.client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        self.breaker = Mutex(Breaker())
        self.logger = logger
    }

    /// Closes the connections; call once, before the client is released.
    public func shutdown() async {
        try? await client.shutdown()
    }

    public var breakerState: BreakerState {
        breaker.withLock { $0.state(now: .now, openDuration: policy.openDuration) }
    }

    /// POSTs `json`. `idempotent`: the receiver tolerates a repeat (the body carries an id it can de-duplicate by),
    /// so a failed attempt may be retried.
    public func postJSON(_ json: [UInt8], to url: String, headers: [(String, String)] = [], idempotent: Bool) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Portside")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: json))
        return try await send(request, attempts: idempotent ? policy.maximumAttempts : 1)
    }

    /// GETs `url`, retried like any idempotent call.
    public func get(_ url: String) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: "Portside")
        return try await send(request, attempts: policy.maximumAttempts)
    }

    private func send(_ request: HTTPClientRequest, attempts: Int) async throws -> Response {
        var backoff = policy.initialBackoff
        var lastReason = ""
        for attempt in 1...attempts {
            guard breaker.withLock({ $0.admit(now: .now, openDuration: policy.openDuration) }) else {
                throw Failure.circuitOpen(service: service)
            }
            do {
                let response = try await client.execute(request, timeout: TimeAmount(policy.attemptTimeout))
                var body: [UInt8] = []
                for try await chunk in response.body {
                    body += chunk.readableBytesView.prefix(policy.maximumResponseBytes - body.count)
                    // Enough: the rest is not read, and the connection is closed rather than reused.
                    if body.count >= policy.maximumResponseBytes { break }
                }
                let status = Int(response.status.code)
                if status >= 500 || status == 429 {
                    lastReason = "status \(status)"
                } else {
                    breaker.withLock { $0.succeeded() }
                    return Response(status: status, body: body)
                }
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
                lastReason = "timed out"
            } catch is CancellationError {
                // Neither a success nor a failure of the service; a trial in flight must not hold the breaker open.
                breaker.withLock { $0.abandonTrial() }
                throw CancellationError()
            } catch {
                lastReason = "\(error)"
            }
            let opened = breaker.withLock { $0.failed(now: .now, threshold: policy.failureThreshold) }
            if opened { logger.warning("outbound service failing: circuit opened", metadata: ["service": "\(service)", "reason": "\(lastReason)"]) }
            guard attempt < attempts else { break }
            try await Task.sleep(for: backoff + backoff * Double.random(in: 0..<0.5))
            backoff = min(backoff * 2, policy.maximumBackoff)
        }
        throw Failure.failed(service: service, attempts: attempts, reason: lastReason)
    }
}

/// Consecutive failures, and since when the breaker has been open.
struct Breaker: Sendable {
    private var consecutiveFailures = 0
    private var openedAt: ContinuousClock.Instant?
    private var trialInFlight = false

    func state(now: ContinuousClock.Instant, openDuration: Duration) -> OutboundHTTPClient.BreakerState {
        guard let openedAt else { return .closed }
        return now - openedAt >= openDuration ? .halfOpen : .open
    }

    /// Whether a call may go out now; in the half-open state, only one trial at a time.
    mutating func admit(now: ContinuousClock.Instant, openDuration: Duration) -> Bool {
        switch state(now: now, openDuration: openDuration) {
        case .closed: return true
        case .open: return false
        case .halfOpen:
            guard !trialInFlight else { return false }
            trialInFlight = true
            return true
        }
    }

    /// The trial call ended without an answer either way (its task was cancelled): the next call may try again.
    mutating func abandonTrial() {
        trialInFlight = false
    }

    mutating func succeeded() {
        consecutiveFailures = 0
        openedAt = nil
        trialInFlight = false
    }

    /// Counts a failure; true when it opened (or reopened) the breaker.
    mutating func failed(now: ContinuousClock.Instant, threshold: Int) -> Bool {
        consecutiveFailures += 1
        let wasTrial = trialInFlight
        trialInFlight = false
        guard wasTrial || consecutiveFailures >= threshold else { return false }
        let newlyOpen = openedAt == nil || wasTrial
        openedAt = now
        return newlyOpen
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
