/// What the chat client reports besides messages.
public enum IRCChatEvent: Sendable, Equatable {
    /// Registered (001 received) as `nick`.
    case connected(nick: String)
    /// Our own JOIN echo for the channel arrived.
    case joined(channel: String)
    case parted(channel: String)
    /// The connection ended (or RECONNECT came); the next attempt follows after `delay`.
    case reconnecting(attempt: Int, delay: Duration, reason: String)
    /// A NOTICE from the server (`msg-id` tag when present; channel `nil` for `*`).
    case notice(channel: String?, messageID: String?, text: String)
    /// The server refused the token; the client stops (a new token needs a new client run).
    case authenticationFailed(String)
}

public enum IRCChatError: Error, Sendable, Equatable, CustomStringConvertible {
    case authenticationFailed(String)

    public var description: String {
        switch self {
        case .authenticationFailed(let notice): "Twitch chat refused the login: \(notice)"
        }
    }
}
