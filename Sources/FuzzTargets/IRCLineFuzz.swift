import Twitch

/// One IRC line: the message and tag parser (`IRCMessage.parse(bytes:)`, `IRCTag`) and the chat message taken from
/// a PRIVMSG. A parsed line, serialized and parsed again, must give the same message.
public enum IRCLineFuzz: FuzzTarget {
    public static let name = "irc-line"

    public static func run(_ data: UnsafeRawBufferPointer) {
        guard let message = try? IRCMessage.parse(bytes: data) else { return }
        _ = TwitchChatMessage(message)
        _ = message.nick
        let line = message.serialized
        let again = try? IRCMessage.parse(line)
        fuzzCheck(again == message, "\(message) serialized as \(line) parses as \(String(describing: again))")
    }
}
