import Foundation
import HTTPConnector
import Testing
import Twitch
@testable import TwitchFake

/// The fake's wire behaviour, spoken to with a plain HTTP client (what any Twitch client would see).
@Suite("Fake Twitch HTTP: OAuth and Helix wire rules")
struct OAuthFakeHTTPTests {
    func json(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    @Test("Client credentials via form body or query string; bad client and secret are refused with a status")
    func clientCredentials() async throws {
        try await withFakeTwitch { fake in
            let http = try HTTPClient()
            let c = fake.server.configuration
            let form = try await http.execute(HTTPRequest(method: .post, url: "\(fake.baseURL)/oauth2/token",
                headers: ["Content-Type": "application/x-www-form-urlencoded"],
                text: "client_id=\(c.clientID)&client_secret=\(c.clientSecret)&grant_type=client_credentials"))
            #expect(form.status == 200)
            let token = try #require(try json(form)["access_token"] as? String)
            #expect(fake.server.validateToken(token) == [])
            let query = try await http.execute(HTTPRequest(method: .post,
                url: "\(fake.baseURL)/oauth2/token?client_id=\(c.clientID)&client_secret=\(c.clientSecret)&grant_type=client_credentials"))
            #expect(query.status == 200)
            let badSecret = try await http.execute(HTTPRequest(method: .post,
                url: "\(fake.baseURL)/oauth2/token?client_id=\(c.clientID)&client_secret=nope&grant_type=client_credentials"))
            #expect(badSecret.status == 403)
            #expect(try json(badSecret)["status"] as? Int == 403)
            let badClient = try await http.execute(HTTPRequest(method: .post,
                url: "\(fake.baseURL)/oauth2/token?client_id=who&client_secret=nope&grant_type=client_credentials"))
            #expect(badClient.status == 400)
        }
    }

    @Test("Refresh, validate, revoke: user tokens carry scopes; revoked and invalid tokens get 401 bodies")
    func refreshValidateRevoke() async throws {
        try await withFakeTwitch { fake in
            let http = try HTTPClient()
            let c = fake.server.configuration
            let refreshed = try await http.execute(HTTPRequest(method: .post, url: "\(fake.baseURL)/oauth2/token",
                text: "grant_type=refresh_token&refresh_token=\(c.botRefreshToken)&client_id=\(c.clientID)&client_secret=\(c.clientSecret)"))
            #expect(refreshed.status == 200)
            let body = try json(refreshed)
            let token = try #require(body["access_token"] as? String)
            #expect(body["scope"] as? [String] == ["clips:edit", "chat:read"])
            #expect(body["refresh_token"] as? String == c.botRefreshToken)
            #expect(fake.server.validateToken(token) == ["clips:edit", "chat:read"])

            let validated = try await http.execute(HTTPRequest(url: "\(fake.baseURL)/oauth2/validate", headers: ["Authorization": "OAuth \(token)"]))
            #expect(validated.status == 200)
            #expect(try json(validated)["login"] as? String == "highlightsbot")

            let bad = try await http.execute(HTTPRequest(method: .post, url: "\(fake.baseURL)/oauth2/token",
                text: "grant_type=refresh_token&refresh_token=zzz&client_id=\(c.clientID)&client_secret=\(c.clientSecret)"))
            #expect(bad.status == 400)
            #expect(try json(bad)["message"] as? String == "Invalid refresh token")

            let revoked = try await http.execute(HTTPRequest(method: .post, url: "\(fake.baseURL)/oauth2/revoke",
                text: "client_id=\(c.clientID)&token=\(token)"))
            #expect(revoked.status == 200 && revoked.body.isEmpty)
            #expect(fake.server.validateToken(token) == nil)
            let after = try await http.execute(HTTPRequest(url: "\(fake.baseURL)/oauth2/validate", headers: ["Authorization": "Bearer \(token)"]))
            #expect(after.status == 401)
            #expect(try json(after)["status"] as? Int == 401)
            let helix = try await http.execute(HTTPRequest(url: "\(fake.baseURL)/helix/streams?user_id=1001",
                headers: ["Authorization": "Bearer \(token)", "Client-Id": c.clientID]))
            #expect(helix.status == 401)
            #expect(try json(helix)["error"] as? String == "Unauthorized")
            #expect(helix.headers["Ratelimit-Limit"] != nil)
        }
    }

    @Test("Helix rules: rate-limit headers on every answer, 429 when the bucket is empty, selectors checked, vod_offset null")
    func helixWireRules() async throws {
        // Clips take 1.5 s to appear here: long enough that the look right after creating one is early even on a
        // loaded machine (0.3 s was not, once in CI).
        try await withFakeTwitch(configure: { $0.rateLimit = 4; $0.rateLimitWindow = 30; $0.clipProcessingDelay = 1.5...1.5 }) { fake in
            let http = try HTTPClient()
            let c = fake.server.configuration
            let minted = try await http.execute(HTTPRequest(method: .post,
                url: "\(fake.baseURL)/oauth2/token?grant_type=refresh_token&refresh_token=\(c.botRefreshToken)&client_id=\(c.clientID)&client_secret=\(c.clientSecret)"))
            let token = try #require(try json(minted)["access_token"] as? String)
            let headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Client-Id": c.clientID]
            func get(_ path: String) async throws -> HTTPResponse {
                try await http.execute(HTTPRequest(url: fake.baseURL + path, headers: headers))
            }
            let noSelector = try await get("/helix/clips")
            #expect(noSelector.status == 400)
            #expect(noSelector.headers["Ratelimit-Remaining"] == "3")
            let badFirst = try await get("/helix/streams?first=101")
            #expect(badFirst.status == 400)
            let created = try await http.execute(HTTPRequest(method: .post, url: "\(fake.baseURL)/helix/clips?broadcaster_id=1001&has_delay=False",
                                                             headers: headers))
            #expect(created.status == 202)
            #expect(created.headers["Ratelimit-Helixclipscreation-Remaining"] != nil)
            let id = try #require((try json(created)["data"] as? [[String: Any]])?.first?["id"] as? String)
            let early = try await get("/helix/clips?id=\(id)")
            #expect(early.status == 200 && early.text.contains("\"data\":[]"))
            let limited = try await get("/helix/clips?id=\(id)")
            #expect(limited.status == 429)
            #expect(limited.headers["Ratelimit-Remaining"] == "0")
            let reset = try #require(limited.headers["Ratelimit-Reset"].flatMap(Double.init))
            #expect(reset > Date().timeIntervalSince1970)
            try await Task.sleep(for: .milliseconds(1_700))
            let listing = try await http.execute(HTTPRequest(url: "\(fake.baseURL)/_fake/clips"))
            let clip = try #require((try json(listing)["data"] as? [[String: Any]])?.first)
            #expect(clip["vod_offset"] is NSNull && clip["visible"] as? Bool == true && clip["video_id"] as? String == "")
        }
    }

    @Test("Fault switches over HTTP: forced statuses, expire all tokens, state")
    func controlRoutes() async throws {
        try await withFakeTwitch { fake in
            let http = try HTTPClient()
            let client = try fake.client()
            _ = try await client.streams(userIDs: ["1001"])
            let set = try await http.execute(HTTPRequest(method: .post, url: "\(fake.baseURL)/_fake/faults",
                text: #"{"force_status": 503, "force_count": 2, "latency_ms": 10, "expire_all_tokens": true}"#))
            #expect(set.status == 200)
            #expect(fake.server.faults.forcedStatus == 503 && fake.server.faults.forcedCount == 2)
            #expect(try await client.streams(userIDs: ["1001"]).count == 1)   // 503, 503, then 401 → renew → 200
            #expect(client.metrics.tokenRefreshes(kind: "app") == 2)
            let bad = try await http.execute(HTTPRequest(method: .post, url: "\(fake.baseURL)/_fake/faults", text: #"{"error_rate": 7}"#))
            #expect(bad.status == 400)
            let state = try json(try await http.execute(HTTPRequest(url: "\(fake.baseURL)/_fake/state")))
            #expect((state["live"] as? [[String: Any]])?.count == 2)
            #expect((state["faults"] as? [String: Any])?["latency_ms"] as? Int == 10)
        }
    }

    @Test("Fault switches per endpoint over HTTP: only Get Clips fails; unknown endpoints are a 400; requests are listed")
    func endpointFaults() async throws {
        try await withFakeTwitch { fake in
            let http = try HTTPClient()
            let client = try fake.client { $0.serverErrorAttempts = 1 }
            let set = try await http.execute(HTTPRequest(method: .post, url: "\(fake.baseURL)/_fake/faults",
                text: #"{"endpoints": {"get_clips": {"force_status": 500, "force_count": 2}}}"#))
            #expect(set.status == 200)
            let created = try await client.createClip(broadcasterID: "1001")
            await #expect(throws: TwitchError.self) { try await client.clips(ids: [created.id]) }
            #expect(try await client.streams(userIDs: ["1001"]).count == 1)
            await #expect(throws: TwitchError.self) { try await client.clips(ids: [created.id]) }
            _ = try await client.clips(ids: [created.id])
            #expect(fake.server.faults.endpoints.isEmpty)
            let bad = try await http.execute(HTTPRequest(method: .post, url: "\(fake.baseURL)/_fake/faults",
                                                         text: #"{"endpoints": {"get_clip": {"force_status": 500}}}"#))
            #expect(bad.status == 400)
            let requests = try json(try await http.execute(HTTPRequest(url: "\(fake.baseURL)/_fake/requests")))
            #expect((requests["get_clips"] as? [Any])?.count == 3)
            #expect((requests["create_clip"] as? [Any])?.count == 1)
        }
    }
}
