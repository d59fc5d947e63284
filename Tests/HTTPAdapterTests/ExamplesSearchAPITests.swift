import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `GET /api/v1/examples?q=`: full-text search, best match first, with rank and highlights.
@Suite struct ExamplesSearchAPITests {
    @Test func resultsComeBestFirstWithRankAndHighlights() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            _ = try await client.send(.post, "/api/v1/examples", json: #"{"name":"Dock","description":"a <b>blue</b> crane"}"#, headers: auth)
            _ = try await client.send(.post, "/api/v1/examples", json: #"{"name":"Blue crane"}"#, headers: auth)
            _ = try await client.send(.post, "/api/v1/examples", json: #"{"name":"Red crane"}"#, headers: auth)

            let response = try await client.get("/api/v1/examples?q=blue%20crane&limit=1")
            #expect(response.status == .ok)
            let items = try #require(response.object["data"] as? [[String: Any]])
            let meta = try #require(response.object["meta"] as? [String: Any])
            let links = try #require(response.object["links"] as? [String: Any])

            #expect(items.count == 1)
            #expect(items.first?["name"] as? String == "Blue crane")
            #expect(items.first?["rank"] is Double)
            let highlights = try #require(items.first?["highlights"] as? [String: Any])
            let name = try #require(highlights["name"] as? [[String: Any]])
            #expect(name.map { $0["text"] as? String } == ["Blue", " ", "crane"])
            #expect(name.map { $0["match"] as? Bool } == [true, false, true])
            #expect(highlights["description"] == nil)
            #expect(meta["total"] as? Int == 2)
            #expect(links["next"] as? String == "/api/v1/examples?page=2&limit=1&q=blue%20crane")

            // The second hit's description is returned as text pieces: markup in it is never interpreted or trusted.
            let second = try await client.get("/api/v1/examples?q=blue%20crane&page=2&limit=1")
            let hit = try #require((second.object["data"] as? [[String: Any]])?.first)
            let description = try #require((hit["highlights"] as? [String: Any])?["description"] as? [[String: Any]])
            #expect(description.compactMap { $0["text"] as? String }.joined() == "a <b>blue</b> crane")
            #expect(description.filter { $0["match"] as? Bool == true }.compactMap { $0["text"] as? String } == ["blue", "crane"])
        }
    }

    @Test(arguments: ["q=", "q=-rust", "q=%22%22", "q=%26%20%7C"])
    func aQueryWithNothingToLookForFindsNothing(query: String) async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            _ = try await client.send(.post, "/api/v1/examples", json: #"{"name":"Blue crane"}"#, headers: auth)
            let response = try await client.get("/api/v1/examples?\(query)")
            #expect(response.status == .ok)
            #expect((response.object["meta"] as? [String: Any])?["total"] as? Int == 0)
        }
    }

    @Test func qTakesPrecedenceOverSearch() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            _ = try await client.send(.post, "/api/v1/examples", json: #"{"name":"Blue crane"}"#, headers: auth)
            let response = try await client.get("/api/v1/examples?q=crane&search=nothing-matches-this")
            #expect(response.status == .ok)
            #expect((response.object["meta"] as? [String: Any])?["total"] as? Int == 1)
            #expect((response.object["links"] as? [String: Any])?["first"] as? String == "/api/v1/examples?page=1&limit=10&q=crane")
        }
    }

    @Test func aListWithoutQHasNoRank() async throws {
        try await TestApp().test { client, identity in
            let auth = try await identity.bearer()
            _ = try await client.send(.post, "/api/v1/examples", json: #"{"name":"Blue crane"}"#, headers: auth)
            let item = try #require((try await client.get("/api/v1/examples").object["data"] as? [[String: Any]])?.first)
            #expect(item["rank"] == nil)
            #expect(item["highlights"] == nil)
        }
    }

    @Test(arguments: [
        ("q=" + String(repeating: "a", count: 201), "q: q must be at most 200 characters")
    ])
    func badQueriesAre400WithTheReason(query: String, error: String) async throws {
        try await TestApp().test { client in
            let response = try await client.get("/api/v1/examples?\(query)")
            #expect(response.status == .badRequest)
            #expect(response.fieldErrors == [error])
        }
    }
}
