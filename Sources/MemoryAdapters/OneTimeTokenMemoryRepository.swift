import Domain
import Foundation

/// `OneTimeTokenRepository` kept in memory. Consumption checks and marks the token in one step on the tables, so of
/// concurrent consumptions only the first finds it unused.
public struct OneTimeTokenMemoryRepository: OneTimeTokenRepository {
    let access: MemoryTableAccess

    public func insert(_ token: OneTimeToken) async throws {
        try await access.write { tables in tables.oneTimeTokens[token.digest] = token }
    }

    public func consume(digest: String, purpose: OneTimeTokenPurpose, now: Date) async throws -> OneTimeToken? {
        try await access.write { tables in
            guard var token = tables.oneTimeTokens[digest], token.purpose == purpose, token.usedAt == nil, token.expiresAt > now else {
                return nil
            }
            token.usedAt = now
            tables.oneTimeTokens[digest] = token
            return token
        }
    }

    public func invalidate(userID: UUID, purpose: OneTimeTokenPurpose, at date: Date) async throws -> Int {
        try await access.write { tables in
            let unused = tables.oneTimeTokens.values.filter { $0.userID == userID && $0.purpose == purpose && $0.usedAt == nil }
            for var token in unused {
                token.usedAt = date
                tables.oneTimeTokens[token.digest] = token
            }
            return unused.count
        }
    }

    public func invalidate(userID: UUID, purpose: OneTimeTokenPurpose, createdSince since: Date, at date: Date) async throws -> Int {
        try await access.write { tables in
            let unused = tables.oneTimeTokens.values.filter {
                $0.userID == userID && $0.purpose == purpose && $0.usedAt == nil && $0.createdAt >= since
            }
            for var token in unused {
                token.usedAt = date
                tables.oneTimeTokens[token.digest] = token
            }
            return unused.count
        }
    }

    public func purge(expiredBefore date: Date) async throws -> Int {
        try await access.write { tables in
            let expired = tables.oneTimeTokens.values.filter { $0.expiresAt < date }.map(\.digest)
            for digest in expired { tables.oneTimeTokens[digest] = nil }
            return expired.count
        }
    }
}
