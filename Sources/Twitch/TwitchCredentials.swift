import Foundation

/// An app's client id and secret, plus the bot user's tokens (Create Clip needs a user token with `clips:edit`).
public struct TwitchCredentials: Sendable, Equatable {
    public var clientID: String
    public var clientSecret: String?
    /// Lets the client mint new user access tokens (authorization-code flow's refresh token).
    public var userRefreshToken: String?
    /// A user access token to start with; without a refresh token it cannot be renewed after a 401.
    public var userAccessToken: String?

    public init(clientID: String, clientSecret: String? = nil, userRefreshToken: String? = nil, userAccessToken: String? = nil) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.userRefreshToken = userRefreshToken
        self.userAccessToken = userAccessToken
    }

    /// From `TWITCH_CLIENT_ID` (required), `TWITCH_CLIENT_SECRET`, `TWITCH_USER_REFRESH_TOKEN`, `TWITCH_USER_ACCESS_TOKEN`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TwitchCredentials {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let clientID = value("TWITCH_CLIENT_ID") else {
            throw TwitchError.configuration("TWITCH_CLIENT_ID is not set")
        }
        return TwitchCredentials(clientID: clientID, clientSecret: value("TWITCH_CLIENT_SECRET"),
                                 userRefreshToken: value("TWITCH_USER_REFRESH_TOKEN"),
                                 userAccessToken: value("TWITCH_USER_ACCESS_TOKEN"))
    }

    var canMintAppToken: Bool { clientSecret != nil }
    var hasUserToken: Bool { userRefreshToken != nil || userAccessToken != nil }
}
