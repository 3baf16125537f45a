import Foundation
import Testing
import Twitch
@testable import TwitchFake

@Suite("Twitch client setup and periodic validation")
struct OAuthClientSetupTests {
    @Test("Endpoints and credentials from the environment")
    func fromEnvironment() throws {
        let endpoints = try TwitchEndpoints.fromEnvironment([
            "TWITCH_API_BASE_URL": "http://127.0.0.1:9000/helix/", "TWITCH_AUTH_BASE_URL": "http://127.0.0.1:9000/oauth2",
            "TWITCH_IRC_URL": "ircs://127.0.0.1:7000"])
        #expect(endpoints.helixBaseURL == "http://127.0.0.1:9000/helix")
        #expect(endpoints.oauthBaseURL == "http://127.0.0.1:9000/oauth2")
        #expect(endpoints.ircHost == "127.0.0.1" && endpoints.ircPort == 7000 && endpoints.ircTLS)
        #expect(try TwitchEndpoints.fromEnvironment([:]) == .production)
        #expect(throws: TwitchError.self) { try TwitchEndpoints.fromEnvironment(["TWITCH_IRC_URL": "http://x"]) }
        let credentials = try TwitchCredentials.fromEnvironment(["TWITCH_CLIENT_ID": "id", "TWITCH_USER_REFRESH_TOKEN": "rt"])
        #expect(credentials.clientID == "id" && credentials.clientSecret == nil && credentials.userRefreshToken == "rt")
        #expect(throws: TwitchError.self) { try TwitchCredentials.fromEnvironment([:]) }
    }

    @Test("Periodic validation renews tokens that expired between runs")
    func periodicValidation() async throws {
        try await withFakeTwitch { fake in
            let client = try fake.client()
            try await client.auth.validate()
            #expect(client.metrics.tokenRefreshes == 2)
            fake.server.expireAllTokens()
            let task = client.auth.startPeriodicValidation(every: .milliseconds(100))
            defer { task.cancel() }
            let deadline = ContinuousClock.now + .seconds(10)
            while client.metrics.tokenRefreshes < 4 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(client.metrics.tokenRefreshes == 4)
            #expect(client.metrics.errors(endpoint: "oauth_validate", kind: "unauthorized") == 0)
        }
    }

    @Test("A client with only a user access token and no refresh token cannot renew it")
    func userAccessTokenOnly() async throws {
        try await withFakeTwitch { fake in
            let token = try #require(await {
                let minting = try fake.client()
                _ = try await minting.auth.validate()
                return try await minting.auth.token(.user)
            }())
            let client = try fake.client(credentials: TwitchCredentials(clientID: fake.server.configuration.clientID, userAccessToken: token))
            #expect(try await client.streams(userIDs: ["1001"]).count == 1)   // reads use the user token
            fake.server.revoke(token: token)
            do { _ = try await client.streams(userIDs: ["1001"]); Issue.record("expected unauthorized") }
            catch TwitchError.unauthorized(let message) { #expect(message.contains("no TWITCH_USER_REFRESH_TOKEN")) }
        }
    }
}
