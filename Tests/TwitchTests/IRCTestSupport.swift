import NIOCore
import NIOPosix
import Synchronization
import Testing
import Twitch
@testable import TwitchFake

/// Tokens the fake's IRC accepts in these tests.
let ircTestTokens: @Sendable (String) -> Set<String>? = { token in
    switch token {
    case "good-token": ["chat:read", "clips:edit"]
    case "no-chat-scope": ["clips:edit"]
    default: nil
    }
}

/// Polls `condition` without blocking the cooperative pool; `false` when the deadline passes first.
func eventually(timeout: Duration = .seconds(10), _ condition: @Sendable () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// Everything a client under test delivered.
final class ChatRecorder: Sendable {
    let messages = Mutex<[TwitchChatMessage]>([])
    let events = Mutex<[(ContinuousClock.Instant, IRCChatEvent)]>([])

    var count: Int { messages.withLock { $0.count } }
    var allMessages: [TwitchChatMessage] { messages.withLock { $0 } }
    var allEvents: [IRCChatEvent] { events.withLock { $0.map(\.1) } }

    func count(where match: (IRCChatEvent) -> Bool) -> Int { events.withLock { $0.filter { match($0.1) }.count } }
}

/// A fake IRC server running for the duration of `body`, and clients started with `startClient`.
struct IRCTestBed {
    let server: FakeIRCServer
    let port: Int
    let running: Task<Void, any Error>

    static func scenario(seed: UInt64 = 9, channels: Int = 1, rate: Double = 40,
                         bursts: [Scenario.Burst] = []) -> Scenario {
        Scenario(seed: seed, channels: (0..<channels).map { index in
            .init(id: String(5001 + index), login: "chan\(index)", name: "Chan\(index)", live: [.init(from: 0)],
                  chat: .init(rate: rate, bursts: bursts))
        })
    }

    /// Starts a fake IRC server on a free port; `stop()` ends it.
    static func start(_ scenario: Scenario, clock: ScenarioClock? = nil,
                      configuration: FakeIRCConfiguration = FakeIRCConfiguration()) async throws -> IRCTestBed {
        let server = FakeIRCServer(scenario: scenario, clock: clock, configuration: configuration, tokenValidator: ircTestTokens)
        let port = try await server.start()
        let running = Task { try await server.run() }
        return IRCTestBed(server: server, port: port, running: running)
    }

    func stop() async {
        running.cancel()
        _ = await running.result
    }

    func clientConfiguration(credentials: IRCChatConfiguration.Credentials = .anonymous) -> IRCChatConfiguration {
        IRCChatConfiguration(host: "127.0.0.1", port: port, useTLS: false, credentials: credentials,
                             reconnectBackoff: [.milliseconds(100), .milliseconds(200)])
    }

    /// Starts a client; returns it with its recorder and the task running it.
    func startClient(_ configuration: IRCChatConfiguration, joining channels: [String])
        -> (IRCChatClient, ChatRecorder, Task<Result<Void, any Error>, Never>) {
        let recorder = ChatRecorder()
        let client = IRCChatClient(configuration: configuration) { batch in
            recorder.messages.withLock { $0.append(contentsOf: batch) }
        }
        Task {
            for await event in client.events { recorder.events.withLock { $0.append((.now, event)) } }
        }
        for channel in channels { client.join(channel) }
        let task = Task { () -> Result<Void, any Error> in
            do { try await client.run(); return .success(()) } catch { return .failure(error) }
        }
        return (client, recorder, task)
    }
}

/// A bare IRC connection for checking the fake's exact replies.
final class RawIRCConnection: Sendable {
    let channel: any Channel
    let sink: LineSink

    private init(channel: any Channel, sink: LineSink) {
        self.channel = channel
        self.sink = sink
    }

    static func connect(port: Int) async throws -> RawIRCConnection {
        let collected = LineSink()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(IRCLineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(LineCollector(sink: collected))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawIRCConnection(channel: channel, sink: collected)
    }

    func send(_ lines: String...) {
        var buffer = channel.allocator.buffer(capacity: 256)
        for line in lines { buffer.writeString(line + "\r\n") }
        channel.writeAndFlush(buffer, promise: nil)
    }

    var received: [String] { sink.lines.withLock { $0 } }
    var isOpen: Bool { channel.isActive }

    func waitFor(_ match: @escaping @Sendable (String) -> Bool, timeout: Duration = .seconds(5)) async -> String? {
        _ = await eventually(timeout: timeout) { self.received.contains(where: match) }
        return received.first(where: match)
    }

    func close() { channel.close(promise: nil) }

    final class LineSink: Sendable {
        let lines = Mutex<[String]>([])
    }

    final class LineCollector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let sink: LineSink
        init(sink: LineSink) { self.sink = sink }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var line = String(buffer: Self.unwrapInboundIn(data))
            if line.hasSuffix("\r") { line.removeLast() }
            sink.lines.withLock { $0.append(line) }
        }
    }
}
