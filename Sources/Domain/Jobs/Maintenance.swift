import Foundation

/// The periodic clean-ups, run as jobs on the `maintenance` queue: sessions that ended, one-time tokens that expired,
/// failed jobs past their retention, and stored objects no record refers to.
public enum Maintenance {
    public static let queue = "maintenance"

    public enum Task: String, Sendable, CaseIterable {
        case purgeSessions = "maintenance.purge_sessions"
        case purgeTokens = "maintenance.purge_tokens"
        case purgeFailedJobs = "maintenance.purge_failed_jobs"
        case sweepOrphanObjects = "maintenance.sweep_orphan_objects"
    }

    /// The job that runs `task` for the interval containing `now`. Its id depends only on the task and the interval's
    /// start, so every instance's scheduler asks for the same job and the queue, which ignores an id it knows, runs
    /// it once per interval however many instances there are.
    public static func request(_ task: Task, interval: TimeInterval, now: Date) -> JobRequest {
        let slot = Int64((now.timeIntervalSince1970 / interval).rounded(.down))
        return JobRequest(
            id: stableID("\(task.rawValue)|\(Int64(interval))|\(slot)"), queue: queue, kind: task.rawValue,
            payload: ["slot": String(slot)])
    }

    /// A UUID (version 8, RFC 9562) made from the FNV-1a hashes of `text`: the same text gives the same id everywhere.
    static func stableID(_ text: String) -> UUID {
        func fnv(_ seed: UInt64) -> UInt64 {
            var hash = seed
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01B3
            }
            return hash
        }
        var bytes =
            withUnsafeBytes(of: fnv(0xCBF2_9CE4_8422_2325).bigEndian, Array.init)
            + withUnsafeBytes(of: fnv(0x84222325_CBF29CE4).bigEndian, Array.init)
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11],
                bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}

/// When each clean-up runs, and what it keeps.
public struct MaintenanceSchedule: Sendable, Equatable {
    /// How often each task runs (at most a day: a queue remembers a completed job's id for `completedIDsKept`).
    public var intervals: [Maintenance.Task: TimeInterval]
    /// How long ended sessions and expired tokens are kept before they are deleted.
    public var endedRecordsKept: TimeInterval
    /// How long failed jobs are kept (`FAILED_JOB_RETENTION`).
    public var failedJobRetention: TimeInterval

    public init(
        intervals: [Maintenance.Task: TimeInterval] = [
            .purgeSessions: 3600, .purgeTokens: 3600, .purgeFailedJobs: 3600, .sweepOrphanObjects: 3600,
        ],
        endedRecordsKept: TimeInterval = 7 * 86_400, failedJobRetention: TimeInterval = 7 * 86_400
    ) {
        self.intervals = intervals.mapValues { min($0, completedIDsKept) }
        self.endedRecordsKept = endedRecordsKept
        self.failedJobRetention = failedJobRetention
    }

    /// The maintenance jobs due for the intervals containing `now`.
    public func requests(now: Date) -> [JobRequest] {
        Maintenance.Task.allCases.compactMap { task in intervals[task].map { Maintenance.request(task, interval: $0, now: now) } }
    }
}

/// Runs the maintenance jobs. Each deletes only what has been over for a while, so running one twice is harmless.
public struct MaintenanceHandler: JobHandler {
    let sessions: any SessionRepository
    let oneTimeTokens: any OneTimeTokenRepository
    let jobs: any JobQueue
    let clock: any WallClock
    let schedule: MaintenanceSchedule
    let orphans: OrphanObjectSweep?
    let report: @Sendable (Maintenance.Task, Int) -> Void

    /// `report` hears how many records each run deleted (for the log). Without `orphans` the sweep of stored objects
    /// deletes nothing.
    public init(
        sessions: any SessionRepository, oneTimeTokens: any OneTimeTokenRepository, jobs: any JobQueue, clock: any WallClock,
        schedule: MaintenanceSchedule, orphans: OrphanObjectSweep? = nil, report: @escaping @Sendable (Maintenance.Task, Int) -> Void = { _, _ in }
    ) {
        self.sessions = sessions
        self.oneTimeTokens = oneTimeTokens
        self.jobs = jobs
        self.clock = clock
        self.schedule = schedule
        self.orphans = orphans
        self.report = report
    }

    public var kinds: Set<String> { Set(Maintenance.Task.allCases.map(\.rawValue)) }

    public func run(_ job: Job) async throws {
        guard let task = Maintenance.Task(rawValue: job.kind) else { throw PermanentJobFailure("unknown maintenance task \(job.kind)") }
        let now = clock.now()
        let deleted: Int
        switch task {
        case .purgeSessions: deleted = try await sessions.purge(endedBefore: now.addingTimeInterval(-schedule.endedRecordsKept))
        case .purgeTokens: deleted = try await oneTimeTokens.purge(expiredBefore: now.addingTimeInterval(-schedule.endedRecordsKept))
        case .purgeFailedJobs: deleted = try await jobs.purgeDeadLetters(failedBefore: now.addingTimeInterval(-schedule.failedJobRetention))
        case .sweepOrphanObjects: deleted = try await orphans?.run(now: now) ?? 0
        }
        report(task, deleted)
    }
}
