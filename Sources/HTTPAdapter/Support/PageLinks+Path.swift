import Domain

extension PageLinks {
    /// Links to the first, last, previous and next pages of `path`, keeping the other query parameters.
    init<Item>(path: String, page: Page<Item>, extra: [String: String]) {
        let lastPage = max(1, page.totalPages)
        let suffix =
            "&limit=\(page.request.limit)"
            + extra.sorted { $0.key < $1.key }.map { "&\(QueryEncoding.encode($0.key))=\(QueryEncoding.encode($0.value))" }.joined()
        func link(_ number: Int) -> String { "\(path)?page=\(number)\(suffix)" }
        let current = page.request.page
        self.init(
            first: link(1),
            last: link(lastPage),
            prev: current > 1 ? link(min(current - 1, lastPage)) : nil,
            next: current < lastPage ? link(current + 1) : nil
        )
    }
}
