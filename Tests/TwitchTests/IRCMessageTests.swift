import Testing
@testable import Twitch

@Suite("IRC message parsing")
struct IRCMessageTests {
    static let privmsgExample = "@badge-info=;badges=turbo/1;color=#0D4200;display-name=ronni;emotes=25:0-4,12-16/1902:6-10;id=b34ccfc7-4977-403a-8a94-33c6bac34fb8;mod=0;room-id=1337;subscriber=0;tmi-sent-ts=1507246572675;turbo=1;user-id=1337;user-type=global_mod :ronni!ronni@ronni.tmi.twitch.tv PRIVMSG #ronni :Kappa Keepo Kappa"
    static let newerExample = "@badge-info=;badges=broadcaster/1;client-nonce=997dcf443c31e258c1d32a8da47b6936;color=#0000FF;display-name=abc;emotes=;first-msg=0;flags=0-6:S.7;id=eb24e920-8065-492a-8aea-266a00fc5126;mod=0;room-id=713936733;subscriber=0;tmi-sent-ts=1642786203573;turbo=0;user-id=713936733;user-type= :abc!abc@abc.tmi.twitch.tv PRIVMSG #xyz :HeyGuys"
    static let usernoticeExample = "@badge-info=;badges=staff/1,broadcaster/1,turbo/1;color=#008000;display-name=ronni;emotes=;id=db25007f-7a18-43eb-9379-80131e44d633;login=ronni;mod=0;msg-id=resub;msg-param-cumulative-months=6;msg-param-streak-months=2;msg-param-should-share-streak=1;msg-param-sub-plan=Prime;msg-param-sub-plan-name=Prime;room-id=12345678;subscriber=1;system-msg=ronni\\shas\\ssubscribed\\sfor\\s6\\smonths!;tmi-sent-ts=1507246572675;turbo=1;user-id=87654321;user-type=staff :tmi.twitch.tv USERNOTICE #dallas :Great stream -- keep it up!"

    @Test func officialPrivmsgExample() throws {
        let message = try IRCMessage.parse(Self.privmsgExample + "\r\n")
        #expect(message.command == "PRIVMSG")
        #expect(message.prefix == "ronni!ronni@ronni.tmi.twitch.tv")
        #expect(message.nick == "ronni")
        #expect(message.parameters == ["#ronni", "Kappa Keepo Kappa"])
        #expect(message.tags.count == 13)
        #expect(message.tag("badge-info") == "")
        #expect(message.tag("emotes") == "25:0-4,12-16/1902:6-10")
        #expect(message.tag("user-type") == "global_mod")
        #expect(message.tag("missing") == nil)

        let chat = try #require(TwitchChatMessage(message))
        #expect(chat == TwitchChatMessage(messageID: "b34ccfc7-4977-403a-8a94-33c6bac34fb8", roomID: "1337", channel: "ronni",
                                          userID: "1337", userLogin: "ronni", displayName: "ronni",
                                          text: "Kappa Keepo Kappa", sentAt: 1_507_246_572_675))
    }

    @Test func newerOfficialExampleWithEmptyValues() throws {
        let message = try IRCMessage.parse(Self.newerExample)
        #expect(message.tag("flags") == "0-6:S.7")
        #expect(message.tag("user-type") == "")
        #expect(message.tag("client-nonce") == "997dcf443c31e258c1d32a8da47b6936")
        let chat = try #require(TwitchChatMessage(message))
        #expect(chat.channel == "xyz")
        #expect(chat.roomID == "713936733")
        #expect(chat.displayName == "abc")
        #expect(chat.text == "HeyGuys")
        #expect(chat.sentAt == 1_642_786_203_573)
    }

    @Test func tagValuesAreUnescaped() throws {
        let message = try IRCMessage.parse(Self.usernoticeExample)
        #expect(message.command == "USERNOTICE")
        #expect(message.tag("system-msg") == "ronni has subscribed for 6 months!")
        #expect(message.parameters == ["#dallas", "Great stream -- keep it up!"])
        #expect(TwitchChatMessage(message) == nil)  // not a PRIVMSG

        let escaped = try IRCMessage.parse("@a=semi\\:colon;b=back\\\\slash;c=cr\\rlf\\n;d=trailing\\;e=unknown\\q :x CMD")
        #expect(escaped.tag("a") == "semi;colon")
        #expect(escaped.tag("b") == "back\\slash")
        #expect(escaped.tag("c") == "cr\rlf\n")
        #expect(escaped.tag("d") == "trailing")  // a lone trailing backslash is dropped
        #expect(escaped.tag("e") == "unknownq")
    }

    @Test func otherServerLines() throws {
        let ping = try IRCMessage.parse("PING :tmi.twitch.tv")
        #expect(ping.command == "PING" && ping.prefix == nil && ping.parameters == ["tmi.twitch.tv"])
        let reconnect = try IRCMessage.parse(":tmi.twitch.tv RECONNECT\r\n")
        #expect(reconnect.command == "RECONNECT" && reconnect.parameters.isEmpty)
        let welcome = try IRCMessage.parse(":tmi.twitch.tv 001 justinfan123 :Welcome, GLHF!")
        #expect(welcome.command == "001" && welcome.parameters == ["justinfan123", "Welcome, GLHF!"])
        let names = try IRCMessage.parse(":bar.tmi.twitch.tv 353 bar = #twitchdev :bar")
        #expect(names.parameters == ["bar", "=", "#twitchdev", "bar"])
        let cap = try IRCMessage.parse(":tmi.twitch.tv CAP * ACK :twitch.tv/tags twitch.tv/commands")
        #expect(cap.parameters == ["*", "ACK", "twitch.tv/tags twitch.tv/commands"])
        let room = try IRCMessage.parse("@emote-only=0;followers-only=-1;r9k=0;room-id=141981764;slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE #twitchdev")
        #expect(room.tag("room-id") == "141981764" && Int(room.tag("followers-only") ?? "") == -1)
        let clear = try IRCMessage.parse("@room-id=12345678;target-user-id=87654321;tmi-sent-ts=1642715756806 :tmi.twitch.tv CLEARCHAT #dallas :ronni")
        #expect(clear.command == "CLEARCHAT" && clear.trailing == "ronni")
        let action = try IRCMessage.parse(":a!a@a.tmi.twitch.tv PRIVMSG #c :\u{1}ACTION waves\u{1}")
        #expect(action.trailing == "\u{1}ACTION waves\u{1}")
    }

    @Test func unicodeAndEmojiSurvive() throws {
        let message = try IRCMessage.parse("@display-name=ゆき;id=1;room-id=2;user-id=3;tmi-sent-ts=4 :yuki!yuki@yuki.tmi.twitch.tv PRIVMSG #c :こんにちは 🔥👍🏽 naïve")
        let chat = try #require(TwitchChatMessage(message))
        #expect(chat.displayName == "ゆき")
        #expect(chat.text == "こんにちは 🔥👍🏽 naïve")
    }

    @Test(arguments: ["", "\r\n", "@", "@a=b", "@a=b ", ":prefix", ":prefix ", ": CMD", "12", "1234 x", "!!! x",
                      "@=x CMD", "@a=b;=c CMD", "   ", "PRIV-MSG #a :b", "\u{0}\u{1}", "CMD a\rb :c", "CMD :a\nb"])
    func garbageIsRejected(_ line: String) {
        #expect(throws: IRCParseError.self) { try IRCMessage.parse(line) }
    }

    @Test func serializationEscapesAndRoundTrips() throws {
        let message = IRCMessage(tags: [IRCTag("system-msg", "a b;c\\d\re\nf"), IRCTag("empty", ""), IRCTag("emoji", "🔥 x")],
                                 prefix: "tmi.twitch.tv", command: "USERNOTICE", parameters: ["#chan", "hello there"])
        let line = message.serialized
        #expect(line == "@system-msg=a\\sb\\:c\\\\d\\re\\nf;empty=;emoji=🔥\\sx :tmi.twitch.tv USERNOTICE #chan :hello there")
        #expect(try IRCMessage.parse(line) == message)
        #expect(IRCMessage(command: "PONG", parameters: [":x"]).serialized == "PONG ::x")
        #expect(IRCMessage(command: "PART", parameters: ["#a"]).serialized == "PART #a")
        #expect(IRCMessage(command: "X", parameters: ["a", ""]).serialized == "X a :")
    }

    @Test func escapingRoundTripsForRandomValues() throws {
        var random = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "Z", "0", " ", ";", "\\", "\r", "\n", ":", "=", "@", "é", "🔥", "s"]
        for _ in 0..<2_000 {
            let value = String((0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            let message = IRCMessage(tags: [IRCTag("k", value), IRCTag("other", "1")], command: "PRIVMSG", parameters: ["#c", "t"])
            let parsed = try IRCMessage.parse(message.serialized)
            #expect(parsed.tag("k") == value, "value \(value.debugDescription)")
        }
    }

    /// Random bytes and mutations of real lines: the parser never traps, and whatever it accepts re-serializes to a
    /// line that parses to the same message.
    @Test func fuzzRandomBytesAndMutations() throws {
        var random = SplitMix(seed: 0x5EED)
        let seeds = [Self.privmsgExample, Self.newerExample, Self.usernoticeExample, "PING :tmi.twitch.tv",
                     ":tmi.twitch.tv 001 nick :Welcome, GLHF!", "@a=\\s\\:\\\\ CMD x :y z"].map { Array($0.utf8) }
        let interesting: [UInt8] = [0x20, 0x3A, 0x3B, 0x3D, 0x40, 0x5C, 0x0D, 0x0A, 0x00, 0xFF, 0xC3, 0x21, 0x23]
        var accepted = 0
        for iteration in 0..<40_000 {
            var bytes: [UInt8]
            if iteration % 2 == 0 {
                bytes = (0..<Int(random.next() % 120)).map { _ in
                    random.next() % 3 == 0 ? interesting[Int(random.next() % UInt64(interesting.count))] : UInt8(truncatingIfNeeded: random.next())
                }
            } else {
                bytes = seeds[Int(random.next() % UInt64(seeds.count))]
                for _ in 0..<(1 + Int(random.next() % 6)) where !bytes.isEmpty {
                    let at = Int(random.next() % UInt64(bytes.count))
                    switch random.next() % 4 {
                    case 0: bytes[at] = interesting[Int(random.next() % UInt64(interesting.count))]
                    case 1: bytes.remove(at: at)
                    case 2: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
                    default: bytes.removeSubrange(at...)
                    }
                }
            }
            let parsed = bytes.withUnsafeBytes { raw in
                Result { () throws(IRCParseError) -> IRCMessage in try IRCMessage.parse(bytes: raw) }
            }
            guard case .success(let message) = parsed else { continue }
            accepted += 1
            _ = TwitchChatMessage(message)
            let again = try IRCMessage.parse(message.serialized)
            #expect(again == message, "line \(bytes)")
        }
        #expect(accepted > 5_000)  // the mutations keep many lines valid, so the round trip is exercised
    }
}

/// A seeded generator so a failing fuzz case can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
