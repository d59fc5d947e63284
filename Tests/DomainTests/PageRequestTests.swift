import Domain
import Testing

@Suite struct PageRequestTests {
    @Test func defaultsToFirstPageOfTen() throws {
        let request = try PageRequest.parse(page: nil, limit: nil)
        #expect(request == PageRequest(page: 1, limit: 10))
        #expect(request.offset == 0)
    }

    @Test(arguments: [
        ("0", 1), ("1", 1), ("100", 100), ("101", 100), ("1000", 100), ("-5", 1), ("+7", 7),
        // Integers past 64 bits (found by fuzzing: they were refused as "not an integer").
        ("21883417277468512018759680", 100), ("-10000000000000000001", 1), ("+99999999999999999999", 100),
    ])
    func limitIsClamped(raw: String, expected: Int) throws {
        #expect(try PageRequest.parse(page: nil, limit: raw).limit == expected)
    }

    @Test func offsetFollowsPageAndLimit() throws {
        #expect(try PageRequest.parse(page: "3", limit: "20").offset == 40)
    }

    @Test func everyBadValueIsReported() throws {
        for notAnInteger in ["-", "+", "", "1.5", "1e3", "--1", "12a"] {
            #expect(throws: DomainError.self) { try PageRequest.parse(page: nil, limit: notAnInteger) }
        }
        let error = #expect(throws: DomainError.self) { try PageRequest.parse(page: "zero", limit: "ten") }
        #expect(
            error
                == .validation([
                    FieldError(field: "page", message: "page must be an integer between 1 and 1000000"),
                    FieldError(field: "limit", message: "limit must be an integer"),
                ])
        )
    }

    @Test(arguments: ["0", "-1", "1.5", "1000001"])
    func pageMustBeAPositiveInteger(raw: String) {
        #expect(throws: DomainError.self) { try PageRequest.parse(page: raw, limit: nil) }
    }

    @Test func totalPagesRoundsUp() {
        #expect(Page<Int>(items: [], total: 0, request: PageRequest(page: 1, limit: 10)).totalPages == 0)
        #expect(Page<Int>(items: [], total: 10, request: PageRequest(page: 1, limit: 10)).totalPages == 1)
        #expect(Page<Int>(items: [], total: 11, request: PageRequest(page: 1, limit: 10)).totalPages == 2)
    }
}
