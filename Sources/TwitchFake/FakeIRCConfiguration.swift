/// Every default of the fake's IRC server in one place.
public struct FakeIRCConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port; `FakeIRCServer.start()` returns the bound one.
    public var port: Int
    public var serverName: String
    /// How often the server sends `PING :tmi.twitch.tv` (Twitch: about every 5 minutes).
    public var pingInterval: Duration
    /// A connection that has not answered a PING within this time is dropped.
    public var pongTimeout: Duration
    /// JOINs allowed per connection in `joinWindow` (Twitch: 20 per 10 s).
    public var joinLimit: Int
    public var joinWindow: Duration
    /// Over the join limit: `true` drops the connection, `false` silently ignores the extra JOINs.
    public var disconnectOnJoinLimit: Bool
    /// How often the chat generator runs and queued lines are flushed.
    public var tick: Duration
    public var usersPerChannel: Int
    /// At most this many messages per channel per tick: a ceiling that keeps a huge `rate` (e.g. 100000) from
    /// building unbounded batches; the rest follow on the next tick.
    public var maxMessagesPerChannelPerTick: Int
    /// Longest line accepted from a client (IRCv3 allows 8191 bytes of tags plus the message).
    public var maxLineLength: Int
    /// Capabilities the server ACKs.
    public var capabilities: Set<String>

    public init(host: String = "127.0.0.1", port: Int = 0, serverName: String = "tmi.twitch.tv",
                pingInterval: Duration = .seconds(300), pongTimeout: Duration = .seconds(10),
                joinLimit: Int = 20, joinWindow: Duration = .seconds(10), disconnectOnJoinLimit: Bool = false,
                tick: Duration = .milliseconds(10), usersPerChannel: Int = 200,
                maxMessagesPerChannelPerTick: Int = 20_000, maxLineLength: Int = 8191 + 1024,
                capabilities: Set<String> = ["twitch.tv/tags", "twitch.tv/commands", "twitch.tv/membership"]) {
        self.host = host
        self.port = port
        self.serverName = serverName
        self.pingInterval = pingInterval
        self.pongTimeout = pongTimeout
        self.joinLimit = joinLimit
        self.joinWindow = joinWindow
        self.disconnectOnJoinLimit = disconnectOnJoinLimit
        self.tick = tick
        self.usersPerChannel = usersPerChannel
        self.maxMessagesPerChannelPerTick = maxMessagesPerChannelPerTick
        self.maxLineLength = maxLineLength
        self.capabilities = capabilities
    }
}
