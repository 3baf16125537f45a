import NIOCore
import NIOPosix
import Testing
import Twitch

/// A server that answers the login with garbage mixed into valid lines: the client skips and counts the garbage,
/// keeps the connection, and still delivers the good messages.
@Suite("IRC client and garbage lines")
struct IRCGarbageServerTests {
    static let script: [String] = [
        ":tmi.twitch.tv 001 justinfan1 :Welcome, GLHF!",
        "@@@ ;;; ===",
        "@id=1;room-id=5;user-id=7;tmi-sent-ts=1000 :u!u@u.tmi.twitch.tv PRIVMSG #c :first",
        "",
        ":",
        "!!! not a command",
        "@a=b",
        "@room-id=5;user-id=7;tmi-sent-ts=1001 :u!u@u.tmi.twitch.tv PRIVMSG #c :no id tag",
        String(repeating: "x", count: 40_000),
        "@id=1;room-id=5;user-id=7;tmi-sent-ts=1000 :u!u@u.tmi.twitch.tv PRIVMSG #c :first",
        "ÿþ\u{0}",
        "@id=2;room-id=5;user-id=7;display-name=Ü\\sber;tmi-sent-ts=1002 :u!u@u.tmi.twitch.tv PRIVMSG #c :second 🔥",
    ]

    final class ScriptedServer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        func channelActive(context: ChannelHandlerContext) {
            var buffer = context.channel.allocator.buffer(capacity: 50_000)
            for line in IRCGarbageServerTests.script { buffer.writeString(line + "\r\n") }
            buffer.writeBytes([0xC3, 0x28, 0x0A])  // invalid UTF-8 on its own line
            context.writeAndFlush(NIOAny(buffer), promise: nil)
        }
    }

    @Test func garbageIsSkippedAndCounted() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ScriptedServer()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let recorder = ChatRecorder()
        let client = IRCChatClient(configuration: IRCChatConfiguration(host: "127.0.0.1", port: server.localAddress!.port!, useTLS: false)) { batch in
            recorder.messages.withLock { $0.append(contentsOf: batch) }
        }
        let task = Task { try await client.run() }
        #expect(await eventually { recorder.count >= 2 })
        try await Task.sleep(for: .milliseconds(200))
        let statistics = client.statistics
        client.shutdown()
        _ = await task.result
        try await server.close().get()

        #expect(recorder.allMessages.map(\.text) == ["first", "second 🔥"])
        #expect(recorder.allMessages.last?.displayName == "Ü ber")
        #expect(statistics.duplicatesDropped == 1)
        // Skipped: "@@@ ;;; ===", ":", "!!! …", "@a=b", the PRIVMSG without id, the 40 000-byte line, "ÿþ\0" and the
        // invalid UTF-8 line (no valid command). The empty line is not a message at all.
        #expect(statistics.linesSkipped == 8)
        #expect(statistics.reconnects == 0)
    }
}
