import ClipsAPI
import Foundation
import HTTPConnector
import PostgresConnector
import Testing

/// The API over HTTP against a real PostgreSQL (each test in its own schema).
@Suite(.serialized) struct ClipsAPITests {
    /// A fixed hour the seeded clips live in.
    static let t0: Int64 = 1_714_564_800_000   // 2024-05-01T12:00:00Z

    static func iso(_ millis: Int64) -> String { Timestamp.iso8601(micros: millis * 1000) }

    static func ids(_ body: [String: Any]) -> [String] {
        (body["data"] as? [[String: Any]] ?? []).compactMap { $0["anomaly_id"] as? String }
    }
    static func cursor(_ body: [String: Any]) -> String? {
        (body["pagination"] as? [String: Any])?["cursor"] as? String
    }

    @Test func eachValidationRuleGetsA400NamingTheParameter() async throws {
        let env = try APITestEnvironment()
        try await env.withAPI { base in
            let cases: [(query: String, parameter: String, message: String)] = [
                ("start=not-a-date", "start", "start must be an ISO 8601 date-time such as 2024-05-01T12:00:00Z"),
                ("end=2024-02-30T00:00:00Z", "end", "end must be an ISO 8601 date-time such as 2024-05-01T12:00:00Z"),
                ("start=2024-05-02T00:00:00Z&end=2024-05-01T00:00:00Z", "start", "start must not be after end"),
                ("limit=0", "limit", "limit must be an integer from 1 to 100"),
                ("limit=101", "limit", "limit must be an integer from 1 to 100"),
                ("limit=abc", "limit", "limit must be an integer from 1 to 100"),
                ("channel=bad%20id", "channel", "channel must be a numeric broadcaster id or a Twitch login (1–25 letters, digits or underscores)"),
                ("cursor=forged", "cursor", "cursor must be a pagination.cursor value returned by this API"),
                ("status=deleted", "status", "status must be one of created, failed, all"),
                ("limit=5&limit=6", "limit", "limit must be given at most once"),
            ]
            for c in cases {
                let response = try await TestHTTP.get("\(base)/v1.0/clip?\(c.query)")
                #expect(response.status == 400, "\(c.query)")
                #expect(response.headers["Content-Type"] == "application/json")
                let body = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
                #expect(body?["error"] as? String == "Bad Request", "\(c.query)")
                #expect(body?["status"] as? Int == 400, "\(c.query)")
                #expect(body?["parameter"] as? String == c.parameter, "\(c.query)")
                #expect(body?["message"] as? String == c.message, "\(c.query)")
            }
        }
    }

    @Test func seedShapeTimeRangeNewestFirstWithInclusiveBounds() async throws {
        let env = try APITestEnvironment()
        let clips = (0..<10).map { i in APITestEnvironment.SeedClip(broadcasterID: "1001", login: "alpha", createdAtMillis: Self.t0 + Int64(i) * 60_000) }
        try env.insert(clips)
        try await env.withAPI { base in
            let (status, body) = try await TestHTTP.json(
                "\(base)/v1.0/clip?start=\(Self.iso(Self.t0 + 2 * 60_000))&end=\(Self.iso(Self.t0 + 6 * 60_000))&limit=50")
            #expect(status == 200)
            #expect(Self.ids(body) == (2...6).reversed().map { clips[$0].anomalyID })
            #expect(Self.cursor(body) == nil)
            let first = try #require((body["data"] as? [[String: Any]])?.first)
            #expect(first["created_at"] as? String == Self.iso(Self.t0 + 6 * 60_000))
            #expect(first["broadcaster_login"] as? String == "alpha")
            #expect(first["message_count"] as? Int == 42)
            #expect(first["chat_counts"] as? [Int] == [3, 4, 5, 4, 3, 5, 4, 6, 5, 4, 42])
            #expect((first["url"] as? String)?.hasPrefix("https://clips.twitch.tv/") == true)
            // An offset other than Z means the same instant.
            let (_, shifted) = try await TestHTTP.json("\(base)/v1.0/clip?start=2024-05-01T14:02:00%2B02:00&end=2024-05-01T14:06:00%2B02:00")
            #expect(Self.ids(shifted) == Self.ids(body))
        }
    }

    @Test func limitsDefaultAndMaximum() async throws {
        let env = try APITestEnvironment()
        try env.insert((0..<120).map { APITestEnvironment.SeedClip(broadcasterID: "1001", login: "alpha", createdAtMillis: Self.t0 + Int64($0) * 1000) })
        try await env.withAPI { base in
            let (_, byDefault) = try await TestHTTP.json("\(base)/v1.0/clip")
            #expect(Self.ids(byDefault).count == 20)
            #expect(Self.cursor(byDefault) != nil)
            let (_, most) = try await TestHTTP.json("\(base)/v1.0/clip?limit=100")
            #expect(Self.ids(most).count == 100)
            let (_, one) = try await TestHTTP.json("\(base)/v1.0/clip?limit=1")
            #expect(Self.ids(one) == ["1001:\(Self.t0 + 119_000)"])
        }
    }

    @Test func filtersByChannelIdLoginAndStatus() async throws {
        let env = try APITestEnvironment()
        try env.insertStreamer(id: "2002", login: "beta_streams", displayName: "Beta Streams")
        try env.insert([
            .init(broadcasterID: "1001", login: "alpha", createdAtMillis: Self.t0),
            .init(broadcasterID: "2002", login: "beta_streams", createdAtMillis: Self.t0 + 1000),
            .init(broadcasterID: "2002", login: "beta_streams", createdAtMillis: Self.t0 + 2000),
            .init(broadcasterID: "2002", login: "beta_streams", createdAtMillis: Self.t0 + 3000, status: "failed"),
            .init(broadcasterID: "3003", login: "gamma", createdAtMillis: Self.t0 + 4000),
        ])
        try await env.withAPI { base in
            #expect(Self.ids(try await TestHTTP.json("\(base)/v1.0/clip?channel=2002").body)
                    == ["2002:\(Self.t0 + 2000)", "2002:\(Self.t0 + 1000)"])
            #expect(Self.ids(try await TestHTTP.json("\(base)/v1.0/clip?channel=Beta_Streams").body)
                    == ["2002:\(Self.t0 + 2000)", "2002:\(Self.t0 + 1000)"])
            // A login known only from the clips themselves (no streamers row).
            #expect(Self.ids(try await TestHTTP.json("\(base)/v1.0/clip?channel=gamma").body) == ["3003:\(Self.t0 + 4000)"])
            #expect(Self.ids(try await TestHTTP.json("\(base)/v1.0/clip?channel=nobody").body).isEmpty)
            #expect(Self.ids(try await TestHTTP.json("\(base)/v1.0/clip?channel=2002&status=failed").body) == ["2002:\(Self.t0 + 3000)"])
            #expect(Self.ids(try await TestHTTP.json("\(base)/v1.0/clip?channel=2002&status=all").body).count == 3)
            #expect(Self.ids(try await TestHTTP.json("\(base)/v1.0/clip").body).count == 4)
            let named = try #require((try await TestHTTP.json("\(base)/v1.0/clip?channel=2002").body["data"] as? [[String: Any]])?.first)
            #expect(named["broadcaster_name"] as? String == "Beta Streams")
            // The channel list behind the page's filter.
            let channels = try await TestHTTP.json("\(base)/v1.0/channels").body["data"] as? [[String: Any]] ?? []
            #expect(channels.compactMap { $0["broadcaster_id"] as? String } == ["2002", "1001", "3003"])
            #expect(channels.first?["clip_count"] as? Int == 2)
        }
    }

    /// Pages fetched while new clips keep arriving (newer ones, and ones sharing the exact creation time of a page
    /// boundary) cover exactly the clips that existed below the first page's top: no gap, no repeat.
    @Test func paginationHasNoGapsOrRepeatsWhileClipsArrive() async throws {
        let env = try APITestEnvironment()
        // 3 clips per second for 20 s: many share created_at, so the anomaly id breaks ties.
        var seeded: [APITestEnvironment.SeedClip] = []
        for second in 0..<20 {
            for (i, id) in ["1001", "2002", "3003"].enumerated() where (second + i) % 4 != 0 {
                seeded.append(.init(broadcasterID: id, login: "c\(id)", createdAtMillis: Self.t0 + Int64(second) * 1000))
            }
        }
        try env.insert(seeded)
        let expected = seeded.sorted { ($0.createdAtMillis, $0.anomalyID) > ($1.createdAtMillis, $1.anomalyID) }.map(\.anomalyID)
        try await env.withAPI { base in
            var seen: [String] = []
            var cursor: String? = nil
            var page = 0
            repeat {
                let url = "\(base)/v1.0/clip?limit=7" + (cursor.map { "&cursor=\($0)" } ?? "")
                let (status, body) = try await TestHTTP.json(url)
                #expect(status == 200)
                seen += Self.ids(body)
                cursor = Self.cursor(body)
                page += 1
                // New clips arrive between page fetches: newer than everything, and at the last row's exact time.
                try env.insert([.init(broadcasterID: "9009", login: "late", createdAtMillis: Self.t0 + 100_000 + Int64(page) * 1000)])
                if let last = seen.last, let millis = Int64(last.split(separator: ":")[1]) {
                    try env.insert([.init(broadcasterID: "0000", login: "tie", createdAtMillis: millis, suffix: "-a\(page)"),
                                    .init(broadcasterID: "9999", login: "tie", createdAtMillis: millis, suffix: "-z\(page)")])
                }
            } while cursor != nil && page < 100
            let originals = seen.filter { expected.contains($0) }
            #expect(originals == expected, "every seeded clip once, newest first")
            #expect(Set(seen).count == seen.count, "no repeats")
            #expect(!seen.contains { $0.hasPrefix("9009:") }, "clips newer than the first page never appear on later pages")
            // Tie rows sorting below the cursor (smaller anomaly id, same instant) are not yet read: they may appear,
            // in order; those above it never do.
            #expect(!seen.contains { $0.hasPrefix("9999:") })
        }
    }

    @Test func corsHealthStaticAndOpenAPI() async throws {
        let env = try APITestEnvironment()
        try await env.withAPI { base in
            let health = try await TestHTTP.json("\(base)/health")
            #expect(health.status == 200)
            #expect(health.body["status"] as? String == "ok")

            let get = try await TestHTTP.get("\(base)/v1.0/clip", headers: ["Origin": "http://example.test"])
            #expect(get.status == 200)
            #expect(get.headers["Access-Control-Allow-Origin"] == "*")
            let preflight = try await TestHTTP.client.execute(HTTPRequest(
                method: .options, url: "\(base)/v1.0/clip",
                headers: ["Origin": "http://example.test", "Access-Control-Request-Method": "GET"]))
            #expect(preflight.headers["Access-Control-Allow-Origin"] == "*")
            #expect(preflight.headers["Access-Control-Allow-Methods"]?.contains("GET") == true)
            #expect(preflight.headers["Access-Control-Allow-Methods"]?.contains("POST") == false)
            let bad = try await TestHTTP.get("\(base)/v1.0/clip?limit=0", headers: ["Origin": "http://example.test"])
            #expect(bad.headers["Access-Control-Allow-Origin"] == "*", "a browser must be able to read the 400 body")

            let page = try await TestHTTP.get("\(base)/")
            #expect(page.status == 200)
            #expect(page.headers["Content-Type"]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("/static/app.js"))
            #expect(try await TestHTTP.get("\(base)/static/app.js").headers["Content-Type"]?.hasPrefix("text/javascript") == true)
            #expect(try await TestHTTP.get("\(base)/static/nope.js").status == 404)
            let spec = try await TestHTTP.get("\(base)/openapi.yaml")
            #expect(spec.status == 200)
            #expect(spec.text.contains("/v1.0/clip"))
        }
    }

    @Test func apiSessionsAreReadOnly() throws {
        let env = try APITestEnvironment()
        defer { env.tearDown() }
        let session = try PostgresConnection(configuration: env.configuration.postgres)
        defer { session.close() }
        #expect(try session.query("SHOW default_transaction_read_only")[row: 0][0].text == "on")
        do {
            try session.execute("INSERT INTO streamers (broadcaster_id, broadcaster_login) VALUES ('1', 'x')")
            Issue.record("an INSERT through the API's configuration succeeded")
        } catch let error as PostgresError {
            #expect(error.sqlState == "25006", "read-only transaction: \(error)")
        }
    }

    @Test func unreachableDatabaseIsA503NotACrash() async throws {
        var configuration = try APITestEnvironment().configurationPointingNowhere()
        configuration.port = 0
        let server = ClipsAPIServer(configuration: configuration)
        let task = Task { try await server.run() }
        defer { task.cancel() }
        let base = "http://127.0.0.1:\(try await server.boundPort())"
        let health = try await TestHTTP.json("\(base)/health")
        #expect(health.status == 503)
        #expect(health.body["status"] as? String == "unavailable")
        let clips = try await TestHTTP.json("\(base)/v1.0/clip")
        #expect(clips.status == 503)
        #expect(clips.body["message"] as? String == "the clip database is unavailable, try again shortly")
        // Validation still answers without the database.
        #expect(try await TestHTTP.get("\(base)/v1.0/clip?limit=0").status == 400)
    }
}

extension APITestEnvironment {
    /// This environment's API configuration aimed at a port where no server listens.
    func configurationPointingNowhere() throws -> ClipsAPIConfiguration {
        tearDown()
        var configuration = self.configuration
        configuration.postgres.port = 1
        configuration.postgres.connectTimeout = .seconds(2)
        return configuration
    }
}
