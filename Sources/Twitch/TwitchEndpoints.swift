import Foundation

/// Where Twitch lives. Real Twitch and our fake differ only by these URLs.
public struct TwitchEndpoints: Sendable, Equatable {
    /// OAuth base without a trailing slash, e.g. `https://id.twitch.tv/oauth2`.
    public var oauthBaseURL: String
    /// Helix base without a trailing slash, e.g. `https://api.twitch.tv/helix`.
    public var helixBaseURL: String
    public var ircHost: String
    public var ircPort: Int
    public var ircTLS: Bool

    public init(oauthBaseURL: String, helixBaseURL: String, ircHost: String, ircPort: Int, ircTLS: Bool) {
        self.oauthBaseURL = Self.trimmingSlash(oauthBaseURL)
        self.helixBaseURL = Self.trimmingSlash(helixBaseURL)
        self.ircHost = ircHost
        self.ircPort = ircPort
        self.ircTLS = ircTLS
    }

    public static let production = TwitchEndpoints(
        oauthBaseURL: "https://id.twitch.tv/oauth2", helixBaseURL: "https://api.twitch.tv/helix",
        ircHost: "irc.chat.twitch.tv", ircPort: 6697, ircTLS: true)

    /// The fake on loopback: HTTP (OAuth under `/oauth2`, Helix under `/helix`) and plain IRC.
    public static func local(httpPort: Int, ircPort: Int = 6667, host: String = "127.0.0.1") -> TwitchEndpoints {
        TwitchEndpoints(oauthBaseURL: "http://\(host):\(httpPort)/oauth2", helixBaseURL: "http://\(host):\(httpPort)/helix",
                        ircHost: host, ircPort: ircPort, ircTLS: false)
    }

    /// Production, overridden by `TWITCH_API_BASE_URL`, `TWITCH_AUTH_BASE_URL` and `TWITCH_IRC_URL`
    /// (`irc://host:6667` plain, `ircs://host:6697` TLS).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TwitchEndpoints {
        var endpoints = TwitchEndpoints.production
        if let api = environment["TWITCH_API_BASE_URL"], !api.isEmpty { endpoints.helixBaseURL = trimmingSlash(api) }
        if let auth = environment["TWITCH_AUTH_BASE_URL"], !auth.isEmpty { endpoints.oauthBaseURL = trimmingSlash(auth) }
        if let irc = environment["TWITCH_IRC_URL"], !irc.isEmpty {
            guard let url = URLComponents(string: irc), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
                  scheme == "irc" || scheme == "ircs" else {
                throw TwitchError.configuration("TWITCH_IRC_URL must look like irc://host:6667 or ircs://host:6697, got \"\(irc)\"")
            }
            endpoints.ircHost = host
            endpoints.ircTLS = scheme == "ircs"
            endpoints.ircPort = url.port ?? (scheme == "ircs" ? 6697 : 6667)
        }
        return endpoints
    }

    static func trimmingSlash(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
