import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/jobs`: the dead-letter queue and the queues' counts, for administrators (the use cases decide who may).
struct JobsController {
    let jobs: JobAdminService
    let authenticator: Authenticator

    func register(on routes: RouteCatalog) {
        routes.on(.get, "/api/v1/jobs/failed", use: failed)
        routes.on(.delete, "/api/v1/jobs/failed", use: purge)
        routes.on(.post, "/api/v1/jobs/failed/{id}/retry", use: retry)
        routes.on(.delete, "/api/v1/jobs/failed/{id}", use: delete)
        routes.on(.get, "/api/v1/jobs/stats", use: stats)
    }

    @Sendable func failed(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let page = try PageRequest.parse(page: context.query["page"], limit: context.query["limit"])
        let queue = context.query["queue"]
        let result = try await jobs.failed(queue: queue, page: page, principal)
        var extra: [String: String] = [:]
        extra["queue"] = queue
        return JSONResponse.success(
            message: "Failed jobs retrieved successfully",
            data: result.items.map(JobBody.init),
            meta: PageMeta(page: page.page, limit: page.limit, total: result.total, totalPages: result.totalPages),
            links: PageLinks(path: "/api/v1/jobs/failed", page: result, extra: extra),
            context: context
        )
    }

    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        try await jobs.retry(id: try context.parameters.require("id"), principal, origin: context.origin(request))
        return JSONResponse.success(message: "Job queued again", data: NoData?.none, context: context)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        try await jobs.delete(id: try context.parameters.require("id"), principal, origin: context.origin(request))
        return JSONResponse.success(message: "Failed job deleted", data: NoData?.none, context: context)
    }

    @Sendable func purge(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let removed = try await jobs.purge(principal, origin: context.origin(request))
        return JSONResponse.success(message: "Failed jobs past retention deleted", data: PurgeBody(deleted: removed), context: context)
    }

    @Sendable func stats(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        return JSONResponse.success(
            message: "Job statistics retrieved successfully", data: JobStatsBody(stats: try await jobs.stats(principal)), context: context)
    }
}

/// A failed job as administrators see it (secret-looking payload values already masked).
struct JobBody: EncodableBody {
    let id: UUID
    let queue: String
    let kind: String
    let payload: [String: String]
    let attempts: Int
    let lastError: String?
    let createdAt: Date
    let failedAt: Date?

    init(job: Job) {
        id = job.id
        queue = job.queue
        kind = job.kind
        payload = job.payload
        attempts = job.attempts
        lastError = job.lastError
        createdAt = job.createdAt
        failedAt = job.failedAt
    }
}

/// `{deleted}`: how many failed jobs a purge removed.
struct PurgeBody: EncodableBody {
    let deleted: Int
}

/// The counts of every queue, their totals, and the alert on failed jobs.
struct JobStatsBody: EncodableBody {
    let queues: [String: QueueCountsBody]
    let totals: QueueCountsBody
    let failedJobsAlertThreshold: Int
    let alert: Bool

    init(stats: JobAdminService.Stats) {
        queues = stats.queues.mapValues(QueueCountsBody.init)
        totals = QueueCountsBody(stats.totals)
        failedJobsAlertThreshold = stats.alertThreshold
        alert = stats.alert
    }
}

/// One queue's counts; the dead-letter count is `failed` on the API.
struct QueueCountsBody: Encodable {
    let waiting: Int
    let delayed: Int
    let active: Int
    let failed: Int

    init(_ counts: QueueCounts) {
        waiting = counts.waiting
        delayed = counts.delayed
        active = counts.active
        failed = counts.dead
    }
}
