import Domain
import Foundation
import PostgresNIO

/// `UserRepository` on PostgreSQL. A partial unique index keeps one live account per email, so concurrent
/// registrations of one address cannot both succeed. Inside a transaction `find(id:)` locks the row (FOR UPDATE),
/// so read-modify-write sequences such as failed-login counters never lose an update.
struct UserPostgresRepository: UserRepository {
    let executor: PostgresExecutor

    /// The index that keeps emails unique among live users (migration 0003).
    static let liveEmailIndex = "users_live_email"

    func insert(_ user: User) async throws {
        try await Self.refusingTakenEmail {
            try await executor.execute(
                """
                INSERT INTO users (
                    id, name, email, pending_email, role, password_hash, email_verified_at, is_active, failed_login_attempts, locked_until,
                    password_changed_at, created_at, updated_at
                ) VALUES (
                    \(user.id), \(text: user.name), \(text: user.email), \(text: user.pendingEmail), \(text: user.role.rawValue),
                    \(text: user.passwordHash), \(time: user.emailVerifiedAt), \(user.isActive), \(user.failedLoginAttempts),
                    \(time: user.lockedUntil), \(time: user.passwordChangedAt), \(time: user.createdAt), \(time: user.updatedAt)
                )
                """
            )
        }
    }

    func find(id: UUID) async throws -> User? {
        let rows: [PostgresRow]
        if executor.isTransaction {
            rows = try await executor.read(
                """
                SELECT id, name, email, pending_email, role, password_hash, email_verified_at, is_active, failed_login_attempts, locked_until,
                    password_changed_at, created_at, updated_at, avatar_key, avatar_content_type, avatar_size, avatar_sha256, avatar_updated_at
                FROM users WHERE id = \(id) AND deleted_at IS NULL FOR UPDATE
                """
            )
        } else {
            rows = try await executor.read(
                """
                SELECT id, name, email, pending_email, role, password_hash, email_verified_at, is_active, failed_login_attempts, locked_until,
                    password_changed_at, created_at, updated_at, avatar_key, avatar_content_type, avatar_size, avatar_sha256, avatar_updated_at
                FROM users WHERE id = \(id) AND deleted_at IS NULL
                """
            )
        }
        return try rows.first.map(Self.user)
    }

    func find(email: String) async throws -> User? {
        // lower(email) finds the row through the unique index; the exact comparison keeps SQLite's semantics.
        let rows = try await executor.read(
            """
            SELECT id, name, email, pending_email, role, password_hash, email_verified_at, is_active, failed_login_attempts, locked_until,
                password_changed_at, created_at, updated_at, avatar_key, avatar_content_type, avatar_size, avatar_sha256, avatar_updated_at
            FROM users WHERE lower(email) = lower(\(text: email)) AND email = \(text: email) AND deleted_at IS NULL
            """
        )
        return try rows.first.map(Self.user)
    }

    func update(_ user: User) async throws -> Bool {
        try await Self.refusingTakenEmail {
            try await executor.execute(
                """
                UPDATE users SET name = \(text: user.name), email = \(text: user.email), pending_email = \(text: user.pendingEmail),
                    role = \(text: user.role.rawValue), password_hash = \(text: user.passwordHash), email_verified_at = \(time: user.emailVerifiedAt),
                    is_active = \(user.isActive), failed_login_attempts = \(user.failedLoginAttempts), locked_until = \(time: user.lockedUntil),
                    password_changed_at = \(time: user.passwordChangedAt), updated_at = \(time: user.updatedAt)
                WHERE id = \(user.id) AND deleted_at IS NULL
                """
            ) == 1
        }
    }

    func list(search: String?, role: Role?, page: PageRequest) async throws -> Page<User> {
        let pattern = search.map(StoredText.containing)
        let role = role?.rawValue
        // One statement, so the count and the page come from one snapshot (`total` always agrees with the items):
        // the count is one row, the page joins it (no page rows: one row of NULLs).
        let rows = try await executor.read(
            """
            SELECT matching.total, page.id, page.name, page.email, page.pending_email, page.role, page.password_hash, page.email_verified_at,
                page.is_active, page.failed_login_attempts, page.locked_until, page.password_changed_at, page.created_at, page.updated_at,
                page.avatar_key, page.avatar_content_type, page.avatar_size, page.avatar_sha256, page.avatar_updated_at
            FROM (
                SELECT count(*) AS total FROM users
                WHERE deleted_at IS NULL AND (\(role)::text IS NULL OR role = \(role))
                    AND (\(pattern)::text IS NULL OR lower(name COLLATE "C") LIKE \(pattern) ESCAPE '\\'
                        OR lower(email COLLATE "C") LIKE \(pattern) ESCAPE '\\')
            ) AS matching
            LEFT JOIN LATERAL (
                SELECT id, name, email, pending_email, role, password_hash, email_verified_at, is_active, failed_login_attempts, locked_until,
                    password_changed_at, created_at, updated_at, avatar_key, avatar_content_type, avatar_size, avatar_sha256, avatar_updated_at
                FROM users
                WHERE deleted_at IS NULL AND (\(role)::text IS NULL OR role = \(role))
                    AND (\(pattern)::text IS NULL OR lower(name COLLATE "C") LIKE \(pattern) ESCAPE '\\'
                        OR lower(email COLLATE "C") LIKE \(pattern) ESCAPE '\\')
                ORDER BY created_at DESC, id DESC LIMIT \(page.limit) OFFSET \(page.offset)
            ) AS page ON true
            ORDER BY page.created_at DESC, page.id DESC
            """
        )
        var total = 0
        var items: [User] = []
        for row in rows {
            var reader = RowReader(row)
            total = try reader.int()
            if !reader.nextIsNull { items.append(try Self.user(&reader)) }
        }
        return Page(items: items, total: total, request: page)
    }

    func search(_ query: SearchQuery, role: Role?, page: PageRequest) async throws -> Page<SearchHit<User>> {
        let text = TSQuery.render(query)
        let role = role?.rawValue
        // As `list`: the count and the page in one statement, from one snapshot; ts_rank weighs the name (A) above the
        // email (B), and the GIN index over live rows serves the match.
        let rows = try await executor.read(
            """
            SELECT matching.total, page.rank, page.id, page.name, page.email, page.pending_email, page.role, page.password_hash,
                page.email_verified_at, page.is_active, page.failed_login_attempts, page.locked_until, page.password_changed_at,
                page.created_at, page.updated_at, page.avatar_key, page.avatar_content_type, page.avatar_size, page.avatar_sha256,
                page.avatar_updated_at
            FROM (SELECT to_tsquery('simple', \(text)) AS query) AS search
            CROSS JOIN LATERAL (
                SELECT count(*) AS total FROM users
                WHERE deleted_at IS NULL AND search_vector @@ search.query AND (\(role)::text IS NULL OR role = \(role))
            ) AS matching
            LEFT JOIN LATERAL (
                SELECT id, name, email, pending_email, role, password_hash, email_verified_at, is_active, failed_login_attempts, locked_until,
                    password_changed_at, created_at, updated_at, avatar_key, avatar_content_type, avatar_size, avatar_sha256, avatar_updated_at,
                    ts_rank(search_vector, search.query)::float8 AS rank
                FROM users
                WHERE deleted_at IS NULL AND search_vector @@ search.query AND (\(role)::text IS NULL OR role = \(role))
                ORDER BY rank DESC, created_at DESC, id DESC LIMIT \(page.limit) OFFSET \(page.offset)
            ) AS page ON true
            ORDER BY page.rank DESC, page.created_at DESC, page.id DESC
            """
        )
        var total = 0
        var hits: [SearchHit<User>] = []
        for row in rows {
            var reader = RowReader(row)
            total = try reader.int()
            guard !reader.nextIsNull else { continue }
            let rank = try reader.next(Double.self)
            let user = try Self.user(&reader)
            hits.append(SearchHit(item: user, rank: rank, highlights: query.highlights(of: user.searchFields)))
        }
        return Page(items: hits, total: total, request: page)
    }

    func softDelete(id: UUID, at date: Date) async throws -> Bool {
        try await executor.execute("UPDATE users SET deleted_at = \(time: date) WHERE id = \(id) AND deleted_at IS NULL") == 1
    }

    /// Runs a write, turning the live-email index's refusal into the domain's conflict.
    @discardableResult
    private static func refusingTakenEmail<T>(_ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch  where PostgresFailure.isUniqueViolation(error, constraint: liveEmailIndex) {
            throw DomainError.conflict("Email is already registered")
        }
    }

    static func user(_ row: PostgresRow) throws -> User {
        var reader = RowReader(row)
        return try user(&reader)
    }

    /// Reads the eighteen user columns (the thirteen of the account, then the five of its avatar), in the order every
    /// statement here selects them.
    static func user(_ reader: inout RowReader) throws -> User {
        var user = User(
            id: try reader.next(UUID.self),
            name: try reader.text(),
            email: try reader.text(),
            pendingEmail: try reader.optionalText(),
            role: try reader.enumeration(),
            passwordHash: try reader.text(),
            emailVerifiedAt: try reader.optionalTime(),
            isActive: try reader.next(Bool.self),
            failedLoginAttempts: try reader.int(),
            lockedUntil: try reader.optionalTime(),
            passwordChangedAt: try reader.time(),
            createdAt: try reader.time(),
            updatedAt: try reader.time()
        )
        user.avatar = try AvatarPostgresRepository.avatar(&reader)
        return user
    }
}
