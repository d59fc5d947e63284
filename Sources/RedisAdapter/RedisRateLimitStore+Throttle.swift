import Domain
import Foundation

/// Failure throttles: one hash per key (`f` failures, `t` the last one in milliseconds, `p` the one before the latest
/// attempt was taken, `w` how long after `t` they are forgotten), read and written by one
/// script, so concurrent attempts on any number of instances never take more than the policy allows. The hash expires
/// when its failures are forgotten.
extension RedisRateLimitStore {
    public func reserveAttempt(key: String, policy: ThrottlePolicy, now: Date) async throws -> ThrottleDecision {
        let reply = try await client.run(
            Self.reserve, keys: [throttleKey(key)],
            arguments: [
                String(now.millisecondsSince1970), String(policy.freeFailures), Self.milliseconds(policy.firstWait),
                Self.milliseconds(policy.maximumWait), Self.milliseconds(policy.forgetAfter),
            ])
        guard let allowedAt = reply.int else { throw RedisReplyError(message: "unexpected reply to the throttle script") }
        return allowedAt == 0 ? .allowed : .refused(until: Date(millisecondsSince1970: Int64(allowedAt)))
    }

    public func forgiveAttempt(key: String, reservedAt: Date) async throws {
        try await client.run(Self.forgive, keys: [throttleKey(key)], arguments: [String(reservedAt.millisecondsSince1970)])
    }

    public func clearFailures(key: String) async throws {
        _ = try await client.send(["DEL", throttleKey(key)])
    }

    public func failures(key: String, policy: ThrottlePolicy, now: Date) async throws -> ThrottleState {
        let fields = try await client.send(["HMGET", throttleKey(key), "f", "t"]).array
        guard fields.count == 2, let failures = fields[0].string.flatMap(Int.init), let last = fields[1].string.flatMap(Int64.init) else {
            return ThrottleState()
        }
        return ThrottleState(failures: failures, lastFailureAt: Date(millisecondsSince1970: last)).current(policy, now: now)
    }

    func throttleKey(_ key: String) -> String { "\(prefix)throttle:\(key)" }

    static func milliseconds(_ interval: TimeInterval) -> String { String(Int64((interval * 1000).rounded(.up))) }

    /// KEYS: the hash. ARGV: now, free failures, first wait, maximum wait, forget after (milliseconds). Returns 0 when
    /// the attempt was taken, else when the next one is allowed. Mirrors `ThrottlePolicy.nextAttempt(after:now:)`.
    static let reserve = RedisScript(
        """
        local now = tonumber(ARGV[1])
        local free, first, maximum, forget = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
        local failures = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
        local last = tonumber(redis.call('HGET', KEYS[1], 't') or '0')
        if failures <= 0 or now >= last + forget then
          failures = 0
          last = now
        end
        if failures >= free then
          local wait = math.min(maximum, first * 2 ^ math.min(failures - free, 40))
          if now < last + wait then return last + wait end
        end
        local previous = last
        if failures == 0 then previous = 0 end
        last = math.max(last, now)
        redis.call('HSET', KEYS[1], 'f', failures + 1, 't', string.format('%d', last), 'p', string.format('%d', previous),
          'w', string.format('%d', forget))
        redis.call('PEXPIRE', KEYS[1], math.max(1, last + forget - now))
        return 0
        """)

    /// KEYS: the hash. ARGV: when the attempt was taken (milliseconds). Takes one failure back, never below zero, and
    /// only while the failures are remembered; when no attempt was taken after this one, the last failure is again the
    /// one before it, forgotten on its own time.
    static let forgive = RedisScript(
        """
        local failures = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
        if failures <= 0 then return 0 end
        if failures == 1 then
          redis.call('DEL', KEYS[1])
          return failures
        end
        redis.call('HINCRBY', KEYS[1], 'f', -1)
        local last = tonumber(redis.call('HGET', KEYS[1], 't') or '0')
        local previous = tonumber(redis.call('HGET', KEYS[1], 'p') or '0')
        local forget = tonumber(redis.call('HGET', KEYS[1], 'w') or '0')
        if last == tonumber(ARGV[1]) and previous > 0 and forget > 0 then
          redis.call('HSET', KEYS[1], 't', string.format('%d', previous), 'p', '0')
          local ttl = previous + forget - tonumber(ARGV[1])
          if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) else redis.call('DEL', KEYS[1]) end
        end
        return failures
        """)
}
