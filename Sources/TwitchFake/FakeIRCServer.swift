import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Twitch

/// Twitch chat over plain TCP, playing a scenario's chat (twitch.md §8 items 16–22). Logins are checked through
/// `tokenValidator` (the scopes of a live token, `nil` otherwise; `chat:read` is needed) or accepted anonymously as
/// `justinfan<digits>`. Chat flows only while a channel is live, to every connection that joined it.
/// Fault hooks: `dropAllConnections()`, `sendReconnect(grace:)`, `setSilent(_:)`.
public final class FakeIRCServer: Service, Sendable {
    public let scenario: Scenario
    public let clock: ScenarioClock
    public let configuration: FakeIRCConfiguration
    let tokenValidator: @Sendable (String) -> Set<String>?
    let logger: Logger
    private let group: any EventLoopGroup
    private let state = Mutex(State())
    private let silent = Atomic<Bool>(false)
    private let counters = Mutex(Statistics())

    private struct State {
        var serverChannel: (any Channel)?
        var connections: [Int: IRCFakeConnection] = [:]
        var nextConnectionID = 0
        var stopped = false
        var startEpochMilliseconds: Int64 = 0
    }

    /// What the fake did; tests and the benchmark read it.
    public struct Statistics: Sendable, Equatable {
        public var chatLinesSent = 0
        /// Lines not written because the client did not read fast enough (Twitch drops slow readers too).
        public var chatLinesDroppedForSlowReaders = 0
        /// Lines queued for a connection that closed before they were written.
        public var chatLinesLostToClosedConnections = 0
        public var pingsSent = 0
        public var connectionsDroppedForMissingPong = 0
        public var joinsOverLimit = 0
        public var connectionsAccepted = 0
    }

    public init(scenario: Scenario, clock: ScenarioClock? = nil, configuration: FakeIRCConfiguration = FakeIRCConfiguration(),
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                logger: Logger = Logger(label: "twitch-fake.irc"),
                tokenValidator: @escaping @Sendable (String) -> Set<String>?) {
        self.scenario = scenario
        self.clock = clock ?? ScenarioClock(speed: scenario.speed)
        self.configuration = configuration
        self.group = eventLoopGroup
        self.logger = logger
        self.tokenValidator = tokenValidator
    }

    public var statistics: Statistics { counters.withLock { $0 } }
    public var isSilent: Bool { silent.load(ordering: .relaxed) }
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// The bound port once `start()` has run.
    public var port: Int? { state.withLock { $0.serverChannel?.localAddress?.port } }

    /// Binds the listening socket (idempotent) and returns the port.
    @discardableResult
    public func start() async throws -> Int {
        if let port { return port }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 1 << 20, high: 8 << 20))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let connection = IRCFakeConnection(id: self.nextConnectionID(), channel: channel)
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(IRCLineDecoder(maxLineLength: self.configuration.maxLineLength)))
                    try channel.pipeline.syncOperations.addHandler(IRCFakeConnectionHandler(server: self, connection: connection))
                }
            }
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        state.withLock { state in
            state.serverChannel = channel
            state.startEpochMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
        }
        logger.info("fake Twitch IRC listening", metadata: ["port": "\(channel.localAddress?.port ?? 0)"])
        return channel.localAddress?.port ?? 0
    }

    /// Plays the scenario's chat and keeps connections alive until graceful shutdown or cancellation.
    public func run() async throws {
        try await start()
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await driveChat()
            } onCancel: {
                self.shutdown()
            }
        } onGracefulShutdown: {
            self.shutdown()
        }
        await closeEverything()
    }

    /// Stops `run()`, closes the listener and every connection.
    public func shutdown() {
        state.withLock { $0.stopped = true }
    }

    private func closeEverything() async {
        let (server, connections) = state.withLock { state in
            let server = state.serverChannel
            state.serverChannel = nil
            return (server, Array(state.connections.values))
        }
        for connection in connections { connection.channel.close(promise: nil) }
        try? await server?.close().get()
    }

    // MARK: Fault hooks

    /// Closes every client socket at once (no RECONNECT), like a crashed chat server.
    public func dropAllConnections() {
        for connection in state.withLock({ Array($0.connections.values) }) { connection.channel.close(promise: nil) }
    }

    /// Sends `:tmi.twitch.tv RECONNECT` to every connection and closes each after `grace`.
    public func sendReconnect(grace: Duration) {
        let delay = TimeAmount.nanoseconds(grace.components.seconds * 1_000_000_000 + grace.components.attoseconds / 1_000_000_000)
        for connection in state.withLock({ Array($0.connections.values) }) {
            connection.write(lines: [":\(configuration.serverName) RECONNECT"])
            let channel = connection.channel
            channel.eventLoop.scheduleTask(in: delay) { channel.close(promise: nil) }
        }
    }

    /// While silent the server sends nothing at all (no chat, no PING, no replies) but keeps sockets open.
    public func setSilent(_ isSilent: Bool) { silent.store(isSilent, ordering: .relaxed) }

    // MARK: Connections

    private func nextConnectionID() -> Int {
        state.withLock { state in
            state.nextConnectionID += 1
            return state.nextConnectionID
        }
    }

    func connectionOpened(_ connection: IRCFakeConnection) {
        state.withLock { $0.connections[connection.id] = connection }
        counters.withLock { $0.connectionsAccepted += 1 }
    }

    func connectionClosed(_ connection: IRCFakeConnection) {
        _ = state.withLock { $0.connections.removeValue(forKey: connection.id) }
    }

    func countJoinLimited() {
        counters.withLock { $0.joinsOverLimit += 1 }
        logger.info("JOIN over the rate limit ignored")
    }

    /// A stable numeric user id for a login (FNV-1a), so the same nick always has the same id.
    static func stableUserID(for login: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in login.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return 100_000_000 + hash % 900_000_000
    }

    // MARK: Chat driver

    private struct Subscriber {
        let connection: IRCFakeConnection
        let tagged: Bool
        var buffer: ByteBuffer
    }

    private func driveChat() async {
        var generators = scenario.channels.map {
            ChannelChatGenerator(channel: $0, seed: scenario.seed, userCount: configuration.usersPerChannel)
        }
        let allocator = ByteBufferAllocator()
        let speed = clock.speed
        var droppedSinceLog = 0, lastDropLog = ContinuousClock.now - .seconds(10)
        while !state.withLock({ $0.stopped }) {
            let now = clock.now
            let (connections, epoch) = state.withLock { (Array($0.connections.values), $0.startEpochMilliseconds) }
            let quiet = isSilent
            var sent = 0, dropped = 0
            for index in generators.indices {
                let login = generators[index].channel.login
                var subscribers: [Subscriber] = []
                if !quiet {
                    for connection in connections {
                        let (joined, tagged) = connection.state.withLock { ($0.registered && $0.joined.contains(login), $0.capabilities.contains("twitch.tv/tags")) }
                        if joined { subscribers.append(Subscriber(connection: connection, tagged: tagged, buffer: allocator.buffer(capacity: 0))) }
                    }
                }
                var produced = 0
                while produced < configuration.maxMessagesPerChannelPerTick, let message = generators[index].next(through: now) {
                    produced += 1
                    guard !subscribers.isEmpty else { continue }
                    let sentAt = epoch + Int64((message.offset / speed * 1000).rounded())
                    let line = ChatLineFormatter.privmsg(message, sentAt: sentAt, host: configuration.serverName)
                    for i in subscribers.indices {
                        if subscribers[i].tagged {
                            subscribers[i].buffer.writeBytes(line.bytes)
                        } else {
                            subscribers[i].buffer.writeBytes(line.bytes[line.untaggedStart...])
                        }
                    }
                }
                for subscriber in subscribers where subscriber.buffer.readableBytes > 0 {
                    let lines = produced
                    if subscriber.connection.channel.isWritable {
                        // Counted once written: lines still queued when a connection closes never reached anyone.
                        subscriber.connection.write(subscriber.buffer) { [self] written in
                            counters.withLock { if written { $0.chatLinesSent += lines } else { $0.chatLinesLostToClosedConnections += lines } }
                        }
                        sent += lines
                    } else {
                        dropped += lines
                    }
                }
            }
            if !quiet { keepAlive(connections) }
            if sent > 0 || dropped > 0 {
                counters.withLock { $0.chatLinesDroppedForSlowReaders += dropped }
                droppedSinceLog += dropped
                // At most one warning a second: a stalled reader at 100k lines/s must not flood the log.
                if droppedSinceLog > 0, ContinuousClock.now - lastDropLog >= .seconds(1) {
                    logger.warning("chat lines dropped for a slow reader", metadata: ["lines": "\(droppedSinceLog)"])
                    droppedSinceLog = 0
                    lastDropLog = .now
                }
            }
            try? await Task.sleep(for: configuration.tick)
        }
    }

    /// Server PINGs on the interval; a connection that leaves one unanswered past the timeout is dropped.
    private func keepAlive(_ connections: [IRCFakeConnection]) {
        let now = ContinuousClock.now
        for connection in connections {
            enum Action { case none, ping, drop }
            let action: Action = connection.state.withLock { state in
                guard state.registered else { return .none }
                if let since = state.awaitingPongSince {
                    guard now - since > configuration.pongTimeout else { return .none }
                    state.registered = false  // closing: don't count it again before the close completes
                    state.awaitingPongSince = nil
                    return .drop
                }
                guard now - state.lastPing >= configuration.pingInterval else { return .none }
                state.lastPing = now
                state.awaitingPongSince = now
                return .ping
            }
            switch action {
            case .none: break
            case .ping:
                connection.write(lines: ["PING :\(configuration.serverName)"])
                counters.withLock { $0.pingsSent += 1 }
            case .drop:
                logger.info("IRC connection dropped: no PONG")
                counters.withLock { $0.connectionsDroppedForMissingPong += 1 }
                connection.channel.close(promise: nil)
            }
        }
    }
}
