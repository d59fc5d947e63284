import Domain
import Foundation

/// `UserRepository` on SQLite. A partial unique index keeps one live account per email, so concurrent
/// registrations of one address cannot both succeed.
struct UserSQLiteRepository: UserRepository {
    let executor: any SQLiteExecutor

    /// Every statement, written out in full: nothing is assembled at run time.
    enum SQL {
        static let insert = """
            INSERT INTO users (
                id, name, email, pending_email, role, password_hash, email_verified_at, is_active, failed_login_attempts, locked_until,
                password_changed_at, created_at, updated_at
            ) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """
        static let findByID = """
            SELECT id, name, email, pending_email, role, password_hash, email_verified_at, is_active, failed_login_attempts, locked_until,
                password_changed_at, created_at, updated_at, avatar_key, avatar_content_type, avatar_size, avatar_sha256, avatar_updated_at
            FROM users WHERE id = ?1 AND deleted_at IS NULL
            """
        static let findByEmail = """
            SELECT id, name, email, pending_email, role, password_hash, email_verified_at, is_active, failed_login_attempts, locked_until,
                password_changed_at, created_at, updated_at, avatar_key, avatar_content_type, avatar_size, avatar_sha256, avatar_updated_at
            FROM users WHERE email = ?1 AND deleted_at IS NULL
            """
        static let update = """
            UPDATE users SET name = ?2, email = ?3, pending_email = ?4, role = ?5, password_hash = ?6, email_verified_at = ?7,
                is_active = ?8, failed_login_attempts = ?9, locked_until = ?10, password_changed_at = ?11, updated_at = ?12
            WHERE id = ?1 AND deleted_at IS NULL
            """
        // ?1 is the LIKE pattern or NULL for no search, ?2 the role or NULL for every role.
        static let count = """
            SELECT count(*) FROM users
            WHERE deleted_at IS NULL AND (?1 IS NULL OR name LIKE ?1 ESCAPE '\\' OR email LIKE ?1 ESCAPE '\\') AND (?2 IS NULL OR role = ?2)
            """
        static let page = """
            SELECT id, name, email, pending_email, role, password_hash, email_verified_at, is_active, failed_login_attempts, locked_until,
                password_changed_at, created_at, updated_at, avatar_key, avatar_content_type, avatar_size, avatar_sha256, avatar_updated_at
            FROM users
            WHERE deleted_at IS NULL AND (?1 IS NULL OR name LIKE ?1 ESCAPE '\\' OR email LIKE ?1 ESCAPE '\\') AND (?2 IS NULL OR role = ?2)
            ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4
            """
        /// Full-text search through the FTS5 index (?1), optionally of one role (?2); bm25 weighs the name ten times the
        /// email (lower is better).
        static let countSearch = """
            SELECT count(*) FROM users_search JOIN users ON users.rowid = users_search.rowid
            WHERE users_search MATCH ?1 AND users.deleted_at IS NULL AND (?2 IS NULL OR users.role = ?2)
            """
        static let pageSearch = """
            SELECT users.id, users.name, users.email, users.pending_email, users.role, users.password_hash, users.email_verified_at,
                users.is_active, users.failed_login_attempts, users.locked_until, users.password_changed_at, users.created_at,
                users.updated_at, users.avatar_key, users.avatar_content_type, users.avatar_size, users.avatar_sha256, users.avatar_updated_at,
                bm25(users_search, 10.0, 1.0)
            FROM users_search JOIN users ON users.rowid = users_search.rowid
            WHERE users_search MATCH ?1 AND users.deleted_at IS NULL AND (?2 IS NULL OR users.role = ?2)
            ORDER BY bm25(users_search, 10.0, 1.0), users.created_at DESC, users.id DESC LIMIT ?3 OFFSET ?4
            """
        static let softDelete = "UPDATE users SET deleted_at = ?1 WHERE id = ?2 AND deleted_at IS NULL"
    }

    func insert(_ user: User) async throws {
        try await Self.refusingTakenEmail {
            try await executor.execute(SQL.insert, [.uuid(user.id)] + Self.mutableFields(of: user) + [.date(user.createdAt), .date(user.updatedAt)])
        }
    }

    func find(id: UUID) async throws -> User? {
        try await executor.query(SQL.findByID, [.uuid(id)]).first.map(Self.user)
    }

    func find(email: String) async throws -> User? {
        try await executor.query(SQL.findByEmail, [.text(email)]).first.map(Self.user)
    }

    func update(_ user: User) async throws -> Bool {
        try await Self.refusingTakenEmail {
            try await executor.execute(SQL.update, [.uuid(user.id)] + Self.mutableFields(of: user) + [.date(user.updatedAt)]) == 1
        }
    }

    func list(search: String?, role: Role?, page: PageRequest) async throws -> Page<User> {
        let filter: [SQLiteValue] = [search.map(SQLiteValue.containing) ?? .null, role.map { .text($0.rawValue) } ?? .null]
        // The count and the page come from one snapshot, so `total` always agrees with the items.
        let results = try await executor.queries([(SQL.count, filter), (SQL.page, filter + [.int(page.limit), .int(page.offset)])])
        let total = try results[0].first?.int(0) ?? 0
        return Page(items: try results[1].map(Self.user), total: total, request: page)
    }

    func search(_ query: SearchQuery, role: Role?, page: PageRequest) async throws -> Page<SearchHit<User>> {
        let filter: [SQLiteValue] = [.text(FTS5Query.render(query)), role.map { .text($0.rawValue) } ?? .null]
        let results = try await executor.queries([
            (SQL.countSearch, filter), (SQL.pageSearch, filter + [.int(page.limit), .int(page.offset)]),
        ])
        let hits = try results[1].map { row in
            let user = try Self.user(row)
            // bm25 is better when lower; a rank is better when higher.
            return SearchHit(item: user, rank: -(try row.double(18)), highlights: query.highlights(of: user.searchFields))
        }
        return Page(items: hits, total: try results[0].first?.int(0) ?? 0, request: page)
    }

    func softDelete(id: UUID, at date: Date) async throws -> Bool {
        try await executor.execute(SQL.softDelete, [.date(date), .uuid(id)]) == 1
    }

    /// Bindings ?2...?11 of both insert and update, in column order.
    private static func mutableFields(of user: User) -> [SQLiteValue] {
        [
            .text(user.name), .text(user.email), .optionalText(user.pendingEmail), .text(user.role.rawValue), .text(user.passwordHash),
            .optionalDate(user.emailVerifiedAt), .bool(user.isActive), .int(user.failedLoginAttempts), .optionalDate(user.lockedUntil),
            .date(user.passwordChangedAt),
        ]
    }

    /// Runs a write, turning the live-email index's refusal into the domain's conflict.
    @discardableResult
    private static func refusingTakenEmail<T>(_ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch let error as SQLiteError where error.isUniqueViolation {
            // The only unique index on users besides the primary key (whose violation reports another code).
            throw DomainError.conflict("Email is already registered")
        }
    }

    static func user(_ row: SQLiteRow) throws -> User {
        User(
            id: try row.uuid(0),
            name: try row.string(1),
            email: try row.string(2),
            pendingEmail: try row.optionalString(3),
            role: try row.enumeration(4),
            passwordHash: try row.string(5),
            emailVerifiedAt: try row.optionalDate(6),
            isActive: try row.bool(7),
            failedLoginAttempts: try row.int(8),
            lockedUntil: try row.optionalDate(9),
            passwordChangedAt: try row.date(10),
            createdAt: try row.date(11),
            updatedAt: try row.date(12),
            avatar: try AvatarSQLiteRepository.avatar(row, from: 13)
        )
    }
}
