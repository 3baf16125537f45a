import Foundation
import Testing
import Twitch
@testable import TwitchFake

@Suite("Helix client against the fake")
struct HelixClientTests {
    @Test("Get Streams: >100 ids in chunks, cursors followed, offline users omitted")
    func streamsPagination() async throws {
        let channels = (0..<150).map { i in
            Scenario.Channel(id: String(5000 + i), login: "user\(i)", viewers: 10 + i,
                             live: i % 5 == 0 ? [] : [.init(from: 0)])   // every fifth channel is offline
        }
        try await withFakeTwitch(scenario: Scenario(seed: 3, channels: channels)) { fake in
            let client = try fake.client { $0.streamsPerPage = 25 }
            let streams = try await client.streams(userIDs: channels.map { TwitchUserID($0.id) })
            #expect(streams.count == 120)
            #expect(Set(streams.map(\.userID.rawValue)).count == 120)
            #expect(!streams.contains { Int($0.userID.rawValue)! % 5 == 0 })
            // 100 ids → 80 live → 4 pages of 25; 50 ids → 40 live → 2 pages.
            #expect(client.metrics.requests(endpoint: "get_streams", status: 200) == 6)
            let first = try #require(streams.first { $0.userLogin == "user149" })
            #expect(first.type == "live" && first.viewerCount > 0 && first.startedAt != nil && first.tags == ["English"])
        }
    }

    @Test("Streams go live and offline as the scenario clock moves; a restart is a new stream id")
    func goLiveAndOffline() async throws {
        try await withFakeTwitch { fake in
            let client = try fake.client()
            fake.clock.set(10)
            let early = try await client.streams(logins: ["alpha", "bravo", "charlie"])
            #expect(Set(early.map(\.userLogin)) == ["alpha", "bravo"])
            #expect(early.first?.userLogin == "alpha")   // sorted by viewers
            let firstBravo = try #require(early.first { $0.userLogin == "bravo" }).id
            fake.clock.set(120)
            #expect(try await client.streams(logins: ["bravo"]).isEmpty)
            fake.clock.set(160)
            let restarted = try #require(try await client.streams(logins: ["bravo"]).first)
            #expect(restarted.id != firstBravo)
            fake.clock.set(600)
            #expect(try await client.streams(userIDs: ["1003"]).map(\.userLogin) == ["charlie"])
        }
    }

    @Test("Get Users by id and login")
    func users() async throws {
        try await withFakeTwitch { fake in
            let client = try fake.client()
            let users = try await client.users(ids: ["1001"], logins: ["bravo", "highlightsbot", "nobody"])
            #expect(Set(users.map(\.login)) == ["alpha", "bravo", "highlightsbot"])
            #expect(users.first { $0.login == "alpha" }?.displayName == "Alpha")
        }
    }

    @Test("Create Clip is confirmed once Get Clips shows it after the processing delay")
    func clipConfirmed() async throws {
        try await withFakeTwitch { fake in
            let client = try fake.client()
            let start = ContinuousClock.now
            let clip = try await client.createClipConfirmed(broadcasterID: "1001", title: "burst", duration: 20,
                                                            confirmWithin: .seconds(5), pollEvery: .milliseconds(100))
            #expect(elapsed(since: start) >= 0.3)
            #expect(clip.broadcasterID == "1001" && clip.creatorID == "90000001" && clip.title == "burst")
            #expect(clip.vodOffset == nil && clip.videoID == "" && clip.duration == 20)
            #expect(fake.server.createdClips.map(\.id) == [clip.id.rawValue])
        }
    }

    @Test("A clip that never appears is clipNotConfirmed after the window")
    func clipNeverVisible() async throws {
        try await withFakeTwitch(configure: { $0.faults.clipFailureMode = true }) { fake in
            let client = try fake.client()
            let start = ContinuousClock.now
            await #expect(throws: TwitchError.self) {
                _ = try await client.createClipConfirmed(broadcasterID: "1001", confirmWithin: .milliseconds(700),
                                                         pollEvery: .milliseconds(100))
            }
            #expect(elapsed(since: start) >= 0.6)
            #expect(client.metrics.errors(kind: "clip_not_confirmed") == 1)
            #expect(fake.server.createdClips.count == 1)
        }
    }

    @Test("Create Clip: offline broadcaster is notFound, clips disabled is forbidden, bad duration is badRequest")
    func clipErrors() async throws {
        try await withFakeTwitch(configure: { $0.faults.clipsForbidden = ["1002"] }) { fake in
            let client = try fake.client()
            do { _ = try await client.createClip(broadcasterID: "1003"); Issue.record("expected 404") }
            catch let error as TwitchError { guard case .notFound = error else { Issue.record("\(error)"); return } }
            do { _ = try await client.createClip(broadcasterID: "1002"); Issue.record("expected 403") }
            catch let error as TwitchError { guard case .forbidden = error else { Issue.record("\(error)"); return } }
            do { _ = try await client.createClip(broadcasterID: "1001", duration: 90); Issue.record("expected 400") }
            catch let error as TwitchError { guard case .badRequest = error else { Issue.record("\(error)"); return } }
            #expect(fake.server.createdClips.isEmpty)
        }
    }

    @Test("429 waits until Ratelimit-Reset, then retries and succeeds")
    func rateLimited429() async throws {
        try await withFakeTwitch { fake in
            let client = try fake.client()
            _ = try await client.users(ids: ["1001"])   // token minted, bucket known
            fake.server.forceNextResponses(status: 429, count: 1)
            let start = ContinuousClock.now
            let streams = try await client.streams(userIDs: ["1001"])
            #expect(streams.count == 1)
            #expect(elapsed(since: start) >= 0.5)
            #expect(client.metrics.rateLimitedResponses == 1)
            #expect(client.metrics.retries(reason: "rate_limited") == 1)
        }
    }

    @Test("429 that keeps coming surfaces as rateLimited after the bounded retries")
    func rateLimitedForever() async throws {
        try await withFakeTwitch { fake in
            let client = try fake.client { $0.rateLimitRetries = 1 }
            _ = try await client.users(ids: ["1001"])
            fake.server.forceNextResponses(status: 429, count: 5)
            await #expect(throws: TwitchError.self) { _ = try await client.users(ids: ["1001"]) }
            #expect(client.metrics.rateLimitedResponses == 2)
            #expect(client.metrics.errors(kind: "rate_limited") == 1)
        }
    }

    @Test("Ratelimit-Remaining 0 slows the client down instead of running into 429s")
    func slowsDownAtZero() async throws {
        try await withFakeTwitch(configure: { $0.rateLimit = 3; $0.rateLimitWindow = 1.5 }) { fake in
            let client = try fake.client()
            let start = ContinuousClock.now
            for _ in 0..<6 { _ = try await client.users(ids: ["1001"]) }
            #expect(client.metrics.rateLimitedResponses == 0)
            #expect(fake.server.responsesServed(status: 429) == 0)
            #expect(elapsed(since: start) >= 0.5)
        }
    }

    @Test("500 and 503 are retried with backoff; persistent 5xx surfaces after three tries")
    func serverErrors() async throws {
        try await withFakeTwitch { fake in
            let client = try fake.client()
            _ = try await client.users(ids: ["1001"])
            fake.server.forceNextResponses(status: 500, count: 1)
            #expect(try await client.streams(userIDs: ["1001"]).count == 1)
            fake.server.forceNextResponses(status: 503, count: 1)
            #expect(try await client.streams(userIDs: ["1001"]).count == 1)
            #expect(client.metrics.retries(reason: "server") == 2)
            fake.server.forceNextResponses(status: 503, count: 10)
            do { _ = try await client.streams(userIDs: ["1001"]); Issue.record("expected a server error") }
            catch TwitchError.server(let status, _) { #expect(status == 503) }
            #expect(client.metrics.retries(reason: "server") == 4)
            #expect(client.metrics.errors(kind: "server") == 1)
            #expect(fake.server.faults.forcedCount == 7)
        }
    }

    @Test("Error-rate fault: every call still succeeds through retries")
    func errorRate() async throws {
        try await withFakeTwitch(configure: { $0.faults.errorRate = 0.3 }) { fake in
            let client = try fake.client { $0.serverErrorAttempts = 8 }
            for _ in 0..<15 { #expect(try await client.streams(userIDs: ["1001"]).count == 1) }
            #expect(fake.server.responsesServed(status: 500) > 0)
            #expect(client.metrics.retries(reason: "server") == fake.server.responsesServed(status: 500))
        }
    }

    @Test("Expired tokens: the user token is refreshed once and the call retried; the app token is re-minted")
    func expiredTokens() async throws {
        try await withFakeTwitch { fake in
            let client = try fake.client()
            _ = try await client.streams(userIDs: ["1001"])
            _ = try await client.createClip(broadcasterID: "1001")
            #expect(client.metrics.tokenRefreshes(kind: "app") == 1)
            #expect(client.metrics.tokenRefreshes(kind: "user") == 1)
            fake.server.expireAllTokens()
            _ = try await client.createClip(broadcasterID: "1001")
            #expect(client.metrics.tokenRefreshes(kind: "user") == 2)
            _ = try await client.streams(userIDs: ["1001"])
            #expect(client.metrics.tokenRefreshes(kind: "app") == 2)
            #expect(client.metrics.retries(reason: "unauthorized") == 2)
            #expect(fake.server.createdClips.count == 2)
        }
    }

    @Test("Concurrent 401s renew the token once (single flight)")
    func singleFlightRefresh() async throws {
        try await withFakeTwitch { fake in
            let client = try fake.client()
            _ = try await client.streams(userIDs: ["1001"])
            fake.server.expireAllTokens()
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await client.streams(userIDs: ["1001"]).count } }
                for try await count in group { #expect(count == 1) }
            }
            #expect(client.metrics.tokenRefreshes(kind: "app") == 2)
        }
    }

    @Test("A second 401 after renewing is unauthorized, without a loop")
    func unauthorizedNoLoop() async throws {
        try await withFakeTwitch { fake in
            let client = try fake.client()
            _ = try await client.streams(userIDs: ["1001"])
            fake.server.forceNextResponses(status: 401, count: 5)
            do { _ = try await client.streams(userIDs: ["1001"]); Issue.record("expected unauthorized") }
            catch TwitchError.unauthorized {}
            #expect(client.metrics.tokenRefreshes(kind: "app") == 2)
            #expect(fake.server.faults.forcedCount == 3)
        }
    }

    @Test("A refresh token the server rejects surfaces as unauthorized after one attempt, counted once (oauth_token)")
    func refreshFails() async throws {
        try await withFakeTwitch { fake in
            var credentials = fake.credentials
            credentials.userRefreshToken = "not-a-refresh-token"
            let client = try fake.client(credentials: credentials)
            do { _ = try await client.createClip(broadcasterID: "1001"); Issue.record("expected unauthorized") }
            catch TwitchError.unauthorized(let message) { #expect(message.contains("Invalid refresh token")) }
            #expect(client.metrics.tokenRefreshes(kind: "user") == 1)
            #expect(fake.server.createdClips.isEmpty)
            // One failure, one series: the request that failed was the token's, not Create Clip's.
            #expect(client.metrics.errors(endpoint: "oauth_token", kind: "unauthorized") == 1)
            #expect(client.metrics.errors == 1)
        }
    }

    @Test("Create Clip answered 5xx or not answered is not sent again by the client (it may have created a clip)")
    func createClipNotRepeated() async throws {
        try await withFakeTwitch { fake in
            let client = try fake.client { $0.requestTimeout = .seconds(3) }
            fake.server.updateFaults { $0.endpoints["create_clip"] = FakeEndpointFaults(forcedStatus: 500, forcedCount: 3) }
            do { _ = try await client.createClip(broadcasterID: "1001"); Issue.record("expected a server error") }
            catch TwitchError.server(let status, _) { #expect(status == 500) }
            #expect(fake.server.requestTimes(endpoint: "create_clip").count == 1)
            #expect(client.metrics.retries(reason: "server") == 0)
            // Only Create Clip was faulted: reads pass, and Get Clips failing alone is retried as before.
            #expect(try await client.streams(userIDs: ["1001"]).count == 1)
            fake.server.updateFaults { $0.endpoints = ["get_clips": FakeEndpointFaults(forcedStatus: 503, forcedCount: 2)] }
            #expect(try await client.clips(ids: ["nope"]).isEmpty)
            #expect(fake.server.requestTimes(endpoint: "get_clips").count == 3)
            // Slow: the answer is lost to the timeout, and the POST is not repeated either.
            fake.server.updateFaults { $0.endpoints = ["create_clip": FakeEndpointFaults(latencyMilliseconds: 6000)] }
            await #expect(throws: TwitchError.self) { try await client.createClip(broadcasterID: "1001") }
            #expect(fake.server.requestTimes(endpoint: "create_clip").count == 2)
        }
    }

    @Test("Slow responses end in a timeout error after the bounded retries")
    func slowResponses() async throws {
        try await withFakeTwitch { fake in
            let client = try fake.client { $0.requestTimeout = .milliseconds(300); $0.serverErrorAttempts = 2 }
            _ = try await client.streams(userIDs: ["1001"])
            fake.server.updateFaults { $0.latencyMilliseconds = 1500 }
            let start = ContinuousClock.now
            do { _ = try await client.streams(userIDs: ["1001"]); Issue.record("expected a timeout") }
            catch TwitchError.timeout {}
            #expect(elapsed(since: start) < 1.4)
            #expect(client.metrics.retries(reason: "transport") == 1)
            #expect(client.metrics.errors(kind: "timeout") == 1)
            fake.server.updateFaults { $0.latencyMilliseconds = 0 }
            #expect(try await client.streams(userIDs: ["1001"]).count == 1)
        }
    }

    @Test("validate(): both tokens validate; after expiry they are renewed and validate again")
    func validate() async throws {
        try await withFakeTwitch { fake in
            let client = try fake.client()
            let results = try await client.auth.validate()
            #expect(results[.app]?.login == nil && results[.app]?.clientID == fake.server.configuration.clientID)
            #expect(results[.user]?.login == "highlightsbot" && results[.user]?.userID == "90000001")
            #expect(results[.user]?.scopes.contains("clips:edit") == true)
            fake.server.expireAllTokens()
            let again = try await client.auth.validate()
            #expect(again.count == 2)
            #expect(client.metrics.tokenRefreshes == 4)
            let wrong = try fake.client(credentials: TwitchCredentials(clientID: fake.server.configuration.clientID,
                                                                      clientSecret: "wrong-secret"))
            await #expect(throws: TwitchError.self) { try await wrong.auth.validate() }
        }
    }
}
