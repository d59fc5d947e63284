import Domain
import Foundation
import Logging
import MemoryAdapters
import TestSupport
import Testing

@testable import App

@Suite struct QueueGaugeTests {
    static func line(_ text: String, queue: String, state: String) -> Substring? {
        text.split(separator: "\n").first { $0.hasPrefix(#"portside_jobs{queue="\#(queue)",state="\#(state)"} "#) }
    }

    @Test func knownQueuesAreReportedEmptyAndADrainedQueueFallsBackToZero() async throws {
        let observability = try Observability(try Configuration.parse([:]), logger: Logger(label: "observability-tests"))
        let queue = MemoryJobQueue()
        let clock = TestClock()
        observability.sampleQueues(queue, known: ["email"], clock: clock)

        let empty = await observability.render()
        #expect(Self.line(empty, queue: "email", state: "waiting") == #"portside_jobs{queue="email",state="waiting"} 0.0"#)
        #expect(Self.line(empty, queue: "email", state: "dead") == #"portside_jobs{queue="email",state="dead"} 0.0"#)

        await queue.enqueue(JobRequest(id: UUID(), queue: "reports", kind: "report", payload: [:]), now: clock.now())
        let queued = await observability.render()
        #expect(Self.line(queued, queue: "reports", state: "waiting") == #"portside_jobs{queue="reports",state="waiting"} 1.0"#)

        let reservation = try #require(await queue.reserve(from: "reports", lease: 60, now: clock.now()))
        _ = await queue.complete(reservation, now: clock.now())
        let drained = await observability.render()
        #expect(Self.line(drained, queue: "reports", state: "waiting") == #"portside_jobs{queue="reports",state="waiting"} 0.0"#)
        #expect(Self.line(drained, queue: "reports", state: "active") == #"portside_jobs{queue="reports",state="active"} 0.0"#)
    }
}
