/// Which page of a list the client asked for, after the paging rules are applied.
public struct PageRequest: Sendable, Equatable {
    public static let defaultLimit = 10
    public static let maximumLimit = 100

    /// 1-based page number.
    public let page: Int
    /// Items per page, within 1...maximumLimit.
    public let limit: Int

    /// Items to skip before this page starts.
    public var offset: Int { (page - 1) * limit }

    public init(page: Int, limit: Int) {
        self.page = max(1, page)
        self.limit = min(max(1, limit), Self.maximumLimit)
    }

    /// Builds a request from the raw query values: `page` defaults to 1 and must be a positive integer; `limit`
    /// defaults to 10, must be an integer and is clamped to 1...100.
    public static func parse(page: String?, limit: String?) throws(DomainError) -> PageRequest {
        var problems: [FieldError] = []
        var pageNumber = 1
        var pageSize = defaultLimit
        if let page {
            if let value = Int(page), value >= 1, value <= 1_000_000 {
                pageNumber = value
            } else {
                problems.append(FieldError(field: "page", message: "page must be an integer between 1 and 1000000"))
            }
        }
        if let limit {
            if let value = Int(limit) {
                pageSize = value
            } else if let sign = limit.first, limit.dropFirst(sign == "-" || sign == "+" ? 1 : 0).utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                limit.count > 1 || sign.isNumber
            {
                // An integer beyond 64 bits is still an integer: clamped like any other.
                pageSize = sign == "-" ? 1 : maximumLimit
            } else {
                problems.append(FieldError(field: "limit", message: "limit must be an integer"))
            }
        }
        guard problems.isEmpty else { throw .validation(problems) }
        return PageRequest(page: pageNumber, limit: pageSize)
    }
}

/// One page of results together with what the client needs to page on.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    /// Matching items across all pages.
    public let total: Int
    public let request: PageRequest

    public init(items: [Item], total: Int, request: PageRequest) {
        self.items = items
        self.total = total
        self.request = request
    }

    /// Number of pages (0 when nothing matches).
    public var totalPages: Int { (total + request.limit - 1) / request.limit }
}

extension Page: Equatable where Item: Equatable {}
