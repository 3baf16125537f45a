/// Every default of the IRC chat client in one place.
public struct IRCChatConfiguration: Sendable {
    public enum Credentials: Sendable, Equatable {
        /// Read-only anonymous login as `justinfan<digits>`.
        case anonymous
        /// A user access token with `chat:read` (without the `oauth:` prefix) and the token's login.
        case oauth(login: String, token: String)
    }

    public var host: String
    public var port: Int
    public var useTLS: Bool
    public var credentials: Credentials
    public var capabilities: [String]
    /// Twitch allows 20 JOINs per 10 s per user (2000 for verified bots).
    public var joinLimit: Int
    public var joinWindow: Duration
    /// No line from the server for this long means a dead connection (Twitch PINGs about every 5 minutes).
    public var silenceTimeout: Duration
    /// Wait before reconnect attempt n (the last value repeats); pyTwitchAPI's back-off.
    public var reconnectBackoff: [Duration]
    /// After RECONNECT the old connection stays open until the new one has re-joined, at most this long.
    public var reconnectOverlap: Duration
    public var connectTimeout: Duration
    /// How many recent message ids are remembered to drop duplicates across a reconnect overlap.
    public var deduplicationCapacity: Int
    public var maxLineLength: Int

    public init(host: String = "irc.chat.twitch.tv", port: Int = 6697, useTLS: Bool? = nil,
                credentials: Credentials = .anonymous,
                capabilities: [String] = ["twitch.tv/tags", "twitch.tv/commands"],
                joinLimit: Int = 20, joinWindow: Duration = .seconds(10),
                silenceTimeout: Duration = .seconds(360),
                reconnectBackoff: [Duration] = [0, 1, 2, 4, 8, 16, 32, 64, 128].map { .seconds($0) },
                reconnectOverlap: Duration = .seconds(5), connectTimeout: Duration = .seconds(10),
                deduplicationCapacity: Int = 65_536, maxLineLength: Int = 16 * 1024) {
        self.host = host
        self.port = port
        self.useTLS = useTLS ?? (port == 6697 || port == 443)
        self.credentials = credentials
        self.capabilities = capabilities
        self.joinLimit = joinLimit
        self.joinWindow = joinWindow
        self.silenceTimeout = silenceTimeout
        self.reconnectBackoff = reconnectBackoff.isEmpty ? [.zero] : reconnectBackoff
        self.reconnectOverlap = reconnectOverlap
        self.connectTimeout = connectTimeout
        self.deduplicationCapacity = max(1, deduplicationCapacity)
        self.maxLineLength = maxLineLength
    }

    /// Parses `irc://host:port` (plain) or `ircs://host:port` (TLS) into host, port and TLS.
    public init?(url: String, credentials: Credentials = .anonymous) {
        let parts = url.split(separator: "://", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "irc" || parts[0] == "ircs" else { return nil }
        let tls = parts[0] == "ircs"
        let authority = parts[1].split(separator: "/").first.map(String.init) ?? ""
        let hostPort = authority.split(separator: ":")
        guard let host = hostPort.first, !host.isEmpty else { return nil }
        let port = hostPort.count > 1 ? Int(hostPort[1]) : (tls ? 6697 : 6667)
        guard let port else { return nil }
        self.init(host: String(host), port: port, useTLS: tls, credentials: credentials)
    }
}
