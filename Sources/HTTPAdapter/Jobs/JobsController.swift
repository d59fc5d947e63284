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
struct JobBody: JSONWritable {
    let job: Job

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("id")
        json.uuid(job.id)
        json.field("queue", job.queue)
        json.field("kind", job.kind)
        json.key("payload")
        json.beginObject()
        for (key, value) in job.payload.sorted(by: { $0.key < $1.key }) { json.field(key, value) }
        json.endObject()
        json.field("attempts", job.attempts)
        json.field("lastError", job.lastError)
        json.key("createdAt")
        json.timestamp(job.createdAt)
        json.key("failedAt")
        if let failed = job.failedAt { json.timestamp(failed) } else { json.null() }
        json.endObject()
    }
}

/// `{deleted}`: how many failed jobs a purge removed.
struct PurgeBody: JSONWritable {
    let deleted: Int

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("deleted", deleted)
        json.endObject()
    }
}

/// The counts of every queue, their totals, and the alert on failed jobs.
struct JobStatsBody: JSONWritable {
    let stats: JobAdminService.Stats

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("queues")
        json.beginObject()
        for (queue, counts) in stats.queues.sorted(by: { $0.key < $1.key }) {
            json.key(queue)
            Self.write(counts, to: &json)
        }
        json.endObject()
        json.key("totals")
        Self.write(stats.totals, to: &json)
        json.field("failedJobsAlertThreshold", stats.alertThreshold)
        json.field("alert", stats.alert)
        json.endObject()
    }

    static func write(_ counts: QueueCounts, to json: inout JSONWriter) {
        json.beginObject()
        json.field("waiting", counts.waiting)
        json.field("delayed", counts.delayed)
        json.field("active", counts.active)
        json.field("failed", counts.dead)
        json.endObject()
    }
}
