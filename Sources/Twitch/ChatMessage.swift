/// One chat message from a Twitch PRIVMSG with tags.
public struct TwitchChatMessage: Sendable, Equatable {
    /// Tag `id` (a UUID), unique per message: the de-duplication key.
    public var messageID: String
    /// Tag `room-id` = the broadcaster's user id.
    public var roomID: String
    /// The channel login, without `#`.
    public var channel: String
    public var userID: String
    public var userLogin: String
    public var displayName: String
    public var text: String
    /// Tag `tmi-sent-ts`, epoch milliseconds.
    public var sentAt: Int64

    public init(messageID: String, roomID: String, channel: String, userID: String, userLogin: String,
                displayName: String, text: String, sentAt: Int64) {
        self.messageID = messageID
        self.roomID = roomID
        self.channel = channel
        self.userID = userID
        self.userLogin = userLogin
        self.displayName = displayName
        self.text = text
        self.sentAt = sentAt
    }

    /// From a tagged PRIVMSG; `nil` for any other command or when `id`, `room-id`, `user-id` or `tmi-sent-ts` is missing.
    public init?(_ message: IRCMessage) {
        guard message.command == "PRIVMSG", message.parameters.count >= 2 else { return nil }
        var id: String?, room: String?, user: String?, display: String?, sent: Int64?
        for tag in message.tags {
            switch tag.key {
            case "id": id = tag.value
            case "room-id": room = tag.value
            case "user-id": user = tag.value
            case "display-name": display = tag.value
            case "tmi-sent-ts": sent = Int64(tag.value)
            default: continue
            }
        }
        guard let id, !id.isEmpty, let room, !room.isEmpty, let user, !user.isEmpty, let sent else { return nil }
        var channel = message.parameters[0]
        if channel.utf8.first == UInt8(ascii: "#") { channel.removeFirst() }
        let login = message.nick ?? ""
        self.init(messageID: id, roomID: room, channel: channel, userID: user, userLogin: login,
                  displayName: (display?.isEmpty ?? true) ? login : display!, text: message.parameters[message.parameters.count - 1],
                  sentAt: sent)
    }
}
