import Testing
import Twitch
@testable import TwitchFake

/// The fake's side of the protocol, checked line by line with a bare connection.
@Suite("Fake IRC server", .serialized)
struct IRCFakeServerTests {
    @Test func loginJoinAndPartAsTwitchDoes() async throws {
        let bed = try await IRCTestBed.start(IRCTestBed.scenario(rate: 20))
        let irc = try await RawIRCConnection.connect(port: bed.port)
        irc.send("CAP REQ :twitch.tv/tags twitch.tv/commands", "PASS oauth:good-token", "NICK Reader")
        #expect(await irc.waitFor { $0.hasSuffix("GLOBALUSERSTATE") } != nil)
        let lines = irc.received
        #expect(lines.contains(":tmi.twitch.tv CAP * ACK :twitch.tv/tags twitch.tv/commands"))
        for numeric in ["001", "002", "003", "004", "375", "372", "376"] {
            #expect(lines.contains { $0.hasPrefix(":tmi.twitch.tv \(numeric) reader ") })
        }
        irc.send("JOIN #chan0,#nosuchchannel")
        let roomstate = try IRCMessage.parse(try #require(await irc.waitFor { $0.hasSuffix("ROOMSTATE #chan0") }))
        #expect(roomstate.tag("room-id") == "5001")
        #expect(Int(roomstate.tag("slow") ?? "x") != nil && Int(roomstate.tag("followers-only") ?? "x") != nil)
        #expect(irc.received.contains(":reader!reader@reader.tmi.twitch.tv JOIN #chan0"))
        #expect(irc.received.contains(":reader.tmi.twitch.tv 366 reader #chan0 :End of /NAMES list"))
        #expect(await irc.waitFor { $0.contains("msg_channel_suspended") && $0.contains("#nosuchchannel") } != nil)

        let privmsg = try #require(await irc.waitFor { $0.contains(" PRIVMSG #chan0 :") })
        let chat = try #require(TwitchChatMessage(try IRCMessage.parse(privmsg)))
        #expect(chat.roomID == "5001")

        irc.send("PING :hello there")
        #expect(await irc.waitFor { $0 == ":tmi.twitch.tv PONG tmi.twitch.tv :hello there" } != nil)
        irc.send("PART #chan0")
        #expect(await irc.waitFor { $0 == ":reader!reader@reader.tmi.twitch.tv PART #chan0" } != nil)
        irc.close()
        await bed.stop()
    }

    @Test func untaggedClientsGetPlainLines() async throws {
        let bed = try await IRCTestBed.start(IRCTestBed.scenario(rate: 50))
        let irc = try await RawIRCConnection.connect(port: bed.port)
        irc.send("NICK justinfan12345", "JOIN #chan0")
        let line = try #require(await irc.waitFor { $0.contains(" PRIVMSG #chan0 :") })
        #expect(line.hasPrefix(":"))
        #expect(!irc.received.contains { $0.hasPrefix("@") })
        irc.close()
        await bed.stop()
    }

    @Test(arguments: [
        (["NICK reader", "PASS oauth:good-token"], ":tmi.twitch.tv NOTICE * :Improperly formatted auth"),
        (["PASS oauth:wrong", "NICK reader"], ":tmi.twitch.tv NOTICE * :Login authentication failed"),
        (["PASS oauth:no-chat-scope", "NICK reader"], ":tmi.twitch.tv NOTICE * :Login authentication failed"),
    ])
    func badLoginsGetANoticeAndAClose(lines: [String], notice: String) async throws {
        let bed = try await IRCTestBed.start(IRCTestBed.scenario())
        let irc = try await RawIRCConnection.connect(port: bed.port)
        for line in lines { irc.send(line) }
        #expect(await irc.waitFor { $0 == notice } != nil, "got \(irc.received)")
        #expect(await eventually { !irc.isOpen })
        await bed.stop()
    }

    @Test func joinsOverTheLimitAreIgnored() async throws {
        let configuration = FakeIRCConfiguration(joinLimit: 3, joinWindow: .seconds(10))
        let bed = try await IRCTestBed.start(IRCTestBed.scenario(channels: 5, rate: 0), configuration: configuration)
        let irc = try await RawIRCConnection.connect(port: bed.port)
        irc.send("NICK justinfan1", "JOIN #chan0,#chan1,#chan2,#chan3", "JOIN #chan4")
        #expect(await eventually { bed.server.statistics.joinsOverLimit == 2 })
        try await Task.sleep(for: .milliseconds(200))
        #expect(irc.received.filter { $0.contains(" JOIN #") }.count == 3)
        irc.close()
        await bed.stop()
    }

    @Test func connectionWithoutPongIsDropped() async throws {
        let configuration = FakeIRCConfiguration(pingInterval: .milliseconds(200), pongTimeout: .milliseconds(500))
        let bed = try await IRCTestBed.start(IRCTestBed.scenario(), configuration: configuration)
        let irc = try await RawIRCConnection.connect(port: bed.port)
        irc.send("NICK justinfan1")
        #expect(await irc.waitFor { $0 == "PING :tmi.twitch.tv" } != nil)
        #expect(await eventually { !irc.isOpen })
        #expect(bed.server.statistics.connectionsDroppedForMissingPong == 1)
        await bed.stop()
    }

    @Test func longTaggedLinesAndEscapedValuesArrive() async throws {
        // A display name needing every escape cannot come from Twitch, but the fake's escaping must hold for any value.
        let user = ChatUser(id: "1", login: "x", displayName: "a b;c\\d", color: "")
        let message = GeneratedChatMessage(channelLogin: "c", roomID: "2", offset: 0, user: user,
                                           text: String(repeating: "🔥", count: 500), messageID: "id", emotes: "")
        let line = ChatLineFormatter.privmsg(message, sentAt: 5, host: "tmi.twitch.tv")
        let parsed = try line.bytes.withUnsafeBytes { try IRCMessage.parse(bytes: $0) }
        #expect(parsed.tag("display-name") == "a b;c\\d")
        #expect(TwitchChatMessage(parsed)?.text == String(repeating: "🔥", count: 500))
        let untagged = try line.bytes[line.untaggedStart...].withUnsafeBytes { try IRCMessage.parse(bytes: $0) }
        #expect(untagged.tags.isEmpty && untagged.nick == "x")
    }
}
