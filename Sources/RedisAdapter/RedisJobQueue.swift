import Domain
import Foundation
import Telemetry

/// `JobQueue` on Redis (`REDIS_URL`): every change of a job's state is one Lua script, so it happens whole or not at
/// all, and no two workers can hold one job under live leases.
///
/// Keys, under `prefix` (`portside:` by default): `job:ID`, a hash of the job and its state (`ready`, `active`,
/// `dead`), lease token and lease end; `ready:QUEUE`, due and delayed jobs scored by when they are due;
/// `active:QUEUE`, reserved jobs scored by when their lease ends; `dead:QUEUE` and `dead`, buried jobs scored by when
/// they failed; `queues`, the names of every queue. Times are milliseconds since 1970, taken from the caller's `now`.
/// Scripts name the keys they derive from a job, so this needs one Redis primary, not Redis Cluster.
public struct RedisJobQueue: JobQueue {
    let client: RedisClient
    let prefix: String

    public init(client: RedisClient, prefix: String = "portside:") {
        self.client = client
        self.prefix = prefix
    }

    /// A request enqueued straight from a traced operation (not through the outbox) joins its trace too.
    public func enqueue(_ request: JobRequest, now: Date) async throws {
        let payload = try Self.json(request.payload)
        let trace = try Self.json(TraceHeaders.orCurrent(request.traceContext))
        try await client.run(
            Self.enqueue, keys: [],
            arguments: [
                prefix, Self.key(request.id), request.queue, request.kind, payload, Self.milliseconds(now),
                Self.milliseconds(request.runAt ?? now), trace,
            ])
    }

    static func json(_ object: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    public func reserve(from queue: String, lease: TimeInterval, now: Date) async throws -> Reservation? {
        let token = UUID()
        let expires = now.addingTimeInterval(lease).truncatedToMilliseconds
        let answer = try await client.run(
            Self.reserve, keys: [], arguments: [prefix, queue, Self.milliseconds(now), Self.milliseconds(expires), Self.key(token)])
        guard case .array(let fields) = answer else { return nil }
        return Reservation(job: try Self.job(fields), token: token, leaseExpiresAt: expires)
    }

    public func complete(_ reservation: Reservation, now: Date) async throws -> Bool {
        try await finish(reservation, action: "complete", error: "", at: now)
    }

    public func retry(_ reservation: Reservation, error: String, at: Date) async throws -> Bool {
        try await finish(reservation, action: "retry", error: error, at: at)
    }

    public func bury(_ reservation: Reservation, error: String, now: Date) async throws -> Bool {
        try await finish(reservation, action: "bury", error: error, at: now)
    }

    private func finish(_ reservation: Reservation, action: String, error: String, at: Date) async throws -> Bool {
        let answer = try await client.run(
            Self.finish, keys: [],
            arguments: [
                prefix, Self.key(reservation.job.id), Self.key(reservation.token), action, error, Self.milliseconds(at),
                String(Int64(completedIDsKept * 1000)),
            ])
        return answer.int == 1
    }

    public func deadLetters(queue: String?, page: PageRequest) async throws -> Page<Job> {
        let answer = try await client.run(
            Self.deadPage, keys: [], arguments: [prefix, queue ?? "", String(page.offset), String(page.offset + page.limit - 1)])
        let parts = answer.array
        let total = parts.first?.int ?? 0
        let jobs = try parts.dropFirst().map { try Self.job($0.array) }
        return Page(items: jobs, total: total, request: page)
    }

    public func requeueDeadLetter(id: UUID, now: Date) async throws -> Bool {
        try await client.run(Self.requeueDead, keys: [], arguments: [prefix, Self.key(id), Self.milliseconds(now)]).int == 1
    }

    public func removeDeadLetter(id: UUID) async throws -> Bool {
        try await client.run(Self.removeDead, keys: [], arguments: [prefix, Self.key(id)]).int == 1
    }

    public func purgeDeadLetters(failedBefore date: Date) async throws -> Int {
        // In batches, so one call never keeps Redis busy for long.
        var removed = 0
        while true {
            let batch = try await client.run(Self.purgeDead, keys: [], arguments: [prefix, Self.milliseconds(date), "500"]).int ?? 0
            removed += batch
            if batch < 500 { return removed }
        }
    }

    public func counts(now: Date) async throws -> [String: QueueCounts] {
        let values = try await client.run(Self.counts, keys: [], arguments: [prefix, Self.milliseconds(now)]).array
        var counts: [String: QueueCounts] = [:]
        var index = 0
        while index + 4 < values.count {
            guard let queue = values[index].string else { break }
            let counted = QueueCounts(
                waiting: values[index + 1].int ?? 0, delayed: values[index + 2].int ?? 0, active: values[index + 3].int ?? 0,
                dead: values[index + 4].int ?? 0)
            if counted != QueueCounts() { counts[queue] = counted }
            index += 5
        }
        return counts
    }

    // MARK: - Encoding

    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }

    static func milliseconds(_ date: Date) -> String { String(date.millisecondsSince1970) }

    /// A job from the fields the scripts return: id, queue, kind, payload, attempts, created, available, error, failed,
    /// trace (absent from jobs stored before it existed).
    static func job(_ fields: [RedisValue]) throws -> Job {
        guard fields.count == 10, let id = fields[0].string.flatMap(UUID.init(uuidString:)), let queue = fields[1].string,
            let kind = fields[2].string, let payloadText = fields[3].string,
            let payload = try JSONSerialization.jsonObject(with: Data(payloadText.utf8)) as? [String: String],
            let attempts = fields[4].string.flatMap(Int.init), let created = fields[5].string.flatMap(Int64.init),
            let available = fields[6].string.flatMap(Int64.init)
        else { throw RedisReplyError(message: "a job stored in an unexpected shape") }
        let error = fields[7].string.flatMap { $0.isEmpty ? nil : $0 }
        let failed = fields[8].string.flatMap(Int64.init).map(Date.init(millisecondsSince1970:))
        let trace = fields[9].string.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] } ?? [:]
        return Job(
            id: id, queue: queue, kind: kind, payload: payload, attempts: attempts, createdAt: Date(millisecondsSince1970: created),
            availableAt: Date(millisecondsSince1970: available), lastError: error, failedAt: failed, traceContext: trace)
    }

    // MARK: - Scripts

    /// The fields `job(_:)` reads, as a Lua expression on the key `job`.
    private static let jobFields =
        "redis.call('HMGET', job, 'id', 'queue', 'kind', 'payload', 'attempts', 'created', 'available', 'error', 'failed', 'trace')"

    /// ARGV: prefix, id, queue, kind, payload, now, available, trace. A known id (live, dead, or completed within
    /// `completedIDsKept`) is left alone.
    static let enqueue = RedisScript(
        """
        local p, id = ARGV[1], ARGV[2]
        local job = p .. 'job:' .. id
        if redis.call('EXISTS', job) == 1 or redis.call('EXISTS', p .. 'done:' .. id) == 1 then return 0 end
        redis.call('HSET', job, 'id', id, 'queue', ARGV[3], 'kind', ARGV[4], 'payload', ARGV[5], 'attempts', 0,
            'created', ARGV[6], 'available', ARGV[7], 'error', '', 'failed', '', 'state', 'ready', 'token', '', 'lease', '',
            'trace', ARGV[8])
        redis.call('SADD', p .. 'queues', ARGV[3])
        redis.call('ZADD', p .. 'ready:' .. ARGV[3], ARGV[7], id)
        return 1
        """)

    /// ARGV: prefix, queue, now, lease end, token. Jobs whose lease ended are due again (their old token void); the
    /// due job that has waited longest is reserved and returned.
    static let reserve = RedisScript(
        """
        local p, q, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
        local ready, active = p .. 'ready:' .. q, p .. 'active:' .. q
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', active, '-inf', now)) do
            local job = p .. 'job:' .. id
            redis.call('ZREM', active, id)
            redis.call('ZADD', ready, redis.call('HGET', job, 'available'), id)
            redis.call('HSET', job, 'state', 'ready', 'token', '', 'lease', '')
        end
        local due = redis.call('ZRANGEBYSCORE', ready, '-inf', now, 'LIMIT', 0, 1)
        if #due == 0 then return false end
        local id = due[1]
        local job = p .. 'job:' .. id
        redis.call('ZREM', ready, id)
        redis.call('ZADD', active, ARGV[4], id)
        redis.call('HINCRBY', job, 'attempts', 1)
        redis.call('HSET', job, 'state', 'active', 'token', ARGV[5], 'lease', ARGV[4])
        return \(jobFields)
        """)

    /// ARGV: prefix, id, token, action (complete, retry or bury), error, time (due again, or failed), how long a
    /// completed job's id is remembered (milliseconds). Only the holder of the job's current lease may finish it.
    static let finish = RedisScript(
        """
        local p, id = ARGV[1], ARGV[2]
        local job = p .. 'job:' .. id
        local state = redis.call('HMGET', job, 'state', 'token', 'queue')
        if state[1] ~= 'active' or state[2] ~= ARGV[3] then return 0 end
        local q = state[3]
        redis.call('ZREM', p .. 'active:' .. q, id)
        if ARGV[4] == 'complete' then
            redis.call('DEL', job)
            redis.call('SET', p .. 'done:' .. id, ARGV[6], 'PX', ARGV[7])
        elseif ARGV[4] == 'retry' then
            redis.call('HSET', job, 'state', 'ready', 'token', '', 'lease', '', 'error', ARGV[5], 'available', ARGV[6])
            redis.call('ZADD', p .. 'ready:' .. q, ARGV[6], id)
        else
            redis.call('HSET', job, 'state', 'dead', 'token', '', 'lease', '', 'error', ARGV[5], 'failed', ARGV[6])
            redis.call('ZADD', p .. 'dead:' .. q, ARGV[6], id)
            redis.call('ZADD', p .. 'dead', ARGV[6], id)
        end
        return 1
        """)

    /// ARGV: prefix, queue (empty: every queue), first and last index. Returns the total, then the jobs, most recently
    /// failed first.
    static let deadPage = RedisScript(
        """
        local p = ARGV[1]
        local dead = ARGV[2] == '' and (p .. 'dead') or (p .. 'dead:' .. ARGV[2])
        local result = { redis.call('ZCARD', dead) }
        for _, id in ipairs(redis.call('ZREVRANGE', dead, ARGV[3], ARGV[4])) do
            local job = p .. 'job:' .. id
            table.insert(result, \(jobFields))
        end
        return result
        """)

    /// ARGV: prefix, id, now. A dead job goes back to its queue, due now, with a fresh count of attempts.
    static let requeueDead = RedisScript(
        """
        local p, id = ARGV[1], ARGV[2]
        local job = p .. 'job:' .. id
        local state = redis.call('HMGET', job, 'state', 'queue')
        if state[1] ~= 'dead' then return 0 end
        local q = state[2]
        redis.call('ZREM', p .. 'dead:' .. q, id)
        redis.call('ZREM', p .. 'dead', id)
        redis.call('HSET', job, 'state', 'ready', 'attempts', 0, 'failed', '', 'available', ARGV[3])
        redis.call('ZADD', p .. 'ready:' .. q, ARGV[3], id)
        return 1
        """)

    /// ARGV: prefix, id.
    static let removeDead = RedisScript(
        """
        local p, id = ARGV[1], ARGV[2]
        local job = p .. 'job:' .. id
        local state = redis.call('HMGET', job, 'state', 'queue')
        if state[1] ~= 'dead' then return 0 end
        redis.call('ZREM', p .. 'dead:' .. state[2], id)
        redis.call('ZREM', p .. 'dead', id)
        redis.call('DEL', job)
        return 1
        """)

    /// ARGV: prefix, failed before (exclusive), most to remove. Returns how many were removed.
    static let purgeDead = RedisScript(
        """
        local p = ARGV[1]
        local ids = redis.call('ZRANGEBYSCORE', p .. 'dead', '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
        for _, id in ipairs(ids) do
            local job = p .. 'job:' .. id
            redis.call('ZREM', p .. 'dead:' .. redis.call('HGET', job, 'queue'), id)
            redis.call('ZREM', p .. 'dead', id)
            redis.call('DEL', job)
        end
        return #ids
        """)

    /// ARGV: prefix, now. For every queue: its name, then waiting (due, or with an ended lease), delayed, active, dead.
    static let counts = RedisScript(
        """
        local p, now = ARGV[1], ARGV[2]
        local result = {}
        for _, q in ipairs(redis.call('SMEMBERS', p .. 'queues')) do
            local ready, active = p .. 'ready:' .. q, p .. 'active:' .. q
            table.insert(result, q)
            table.insert(result, redis.call('ZCOUNT', ready, '-inf', now) + redis.call('ZCOUNT', active, '-inf', now))
            table.insert(result, redis.call('ZCOUNT', ready, '(' .. now, '+inf'))
            table.insert(result, redis.call('ZCOUNT', active, '(' .. now, '+inf'))
            table.insert(result, redis.call('ZCARD', p .. 'dead:' .. q))
        end
        return result
        """)
}
