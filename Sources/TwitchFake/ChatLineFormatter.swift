import Twitch

/// Builds PRIVMSG lines as Twitch sends them (twitch.md §6.1), straight into bytes: the tagged form, whose tail from
/// `untaggedStart` is the form for clients that did not request `twitch.tv/tags`.
enum ChatLineFormatter {
    struct Line {
        var bytes: [UInt8]
        var untaggedStart: Int
    }

    static func privmsg(_ message: GeneratedChatMessage, sentAt: Int64, host: String) -> Line {
        var out: [UInt8] = []
        out.reserveCapacity(320 + message.text.utf8.count)
        func tag(_ key: StaticString, _ value: String, last: Bool = false) {
            out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            out.append(UInt8(ascii: "="))
            IRCTag.appendEscaped(value, to: &out)
            out.append(last ? UInt8(ascii: " ") : UInt8(ascii: ";"))
        }
        let user = message.user
        out.append(UInt8(ascii: "@"))
        tag("badge-info", "")
        tag("badges", "")
        tag("color", user.color)
        tag("display-name", user.displayName)
        tag("emotes", message.emotes)
        tag("first-msg", "0")
        tag("flags", "")
        tag("id", message.messageID)
        tag("mod", "0")
        tag("returning-chatter", "0")
        tag("room-id", message.roomID)
        tag("subscriber", "0")
        tag("tmi-sent-ts", String(sentAt))
        tag("turbo", "0")
        tag("user-id", user.id)
        tag("user-type", "", last: true)
        let untaggedStart = out.count
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: user.login.utf8)
        out.append(UInt8(ascii: "!"))
        out.append(contentsOf: user.login.utf8)
        out.append(UInt8(ascii: "@"))
        out.append(contentsOf: user.login.utf8)
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: host.utf8)
        out.append(contentsOf: " PRIVMSG #".utf8)
        out.append(contentsOf: message.channelLogin.utf8)
        out.append(contentsOf: " :".utf8)
        out.append(contentsOf: message.text.utf8)
        out.append(0x0D)
        out.append(0x0A)
        return Line(bytes: out, untaggedStart: untaggedStart)
    }
}
