import Logging
import Metrics
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// Twitch chat over IRC (TCP, or TLS for `ircs`/6697): logs in, joins channels within the join rate limit, answers PING,
/// and reconnects with back-off on close, error, RECONNECT or a silent server, re-joining every channel and dropping
/// duplicate message ids across the overlap. Messages arrive in batches on an event loop through `onMessages`;
/// everything else through `events`. `run()` returns on graceful shutdown or cancellation.
public final class IRCChatClient: Service, Sendable {
    public typealias MessageHandler = @Sendable ([TwitchChatMessage]) -> Void

    public let configuration: IRCChatConfiguration
    /// Connection, join, notice and reconnect events (newest 1024 kept when nobody reads).
    public let events: AsyncStream<IRCChatEvent>
    /// The nick sent with NICK: the token's login, or `justinfan<digits>` when anonymous.
    public let nick: String

    private let eventContinuation: AsyncStream<IRCChatEvent>.Continuation
    private let onMessages: MessageHandler
    private let group: any EventLoopGroup
    private let logger: Logger
    private let state: Mutex<State>
    private let deduplicator: Mutex<ChatMessageDeduplicator>
    let metrics = Counters()
    private let tallies = Tallies()

    /// The same figures as the metrics, readable without a metrics backend (tests, health checks).
    public struct Statistics: Sendable, Equatable {
        public var messagesReceived: Int
        public var duplicatesDropped: Int
        public var linesSkipped: Int
        public var reconnects: Int
    }

    private final class Tallies: Sendable {
        let received = Atomic<Int>(0)
        let duplicates = Atomic<Int>(0)
        let skipped = Atomic<Int>(0)
        let reconnects = Atomic<Int>(0)
    }

    public var statistics: Statistics {
        Statistics(messagesReceived: tallies.received.load(ordering: .relaxed),
                   duplicatesDropped: tallies.duplicates.load(ordering: .relaxed),
                   linesSkipped: tallies.skipped.load(ordering: .relaxed),
                   reconnects: tallies.reconnects.load(ordering: .relaxed))
    }

    struct Counters: Sendable {
        let messagesReceived = Counter(label: "irc_messages_received_total")
        let reconnects = Counter(label: "irc_reconnects_total")
        let parseErrors = Counter(label: "irc_parse_errors_total")
        let joins = Counter(label: "irc_joins_total")
        let duplicates = Counter(label: "irc_duplicate_messages_total")
    }

    private struct State {
        var desired: [String] = []
        var stopped = false
        var nextSessionID = 0
        var limiter: IRCJoinRateLimiter
        /// Every open connection, by session id.
        var open: [Int: any Channel] = [:]
        /// Sessions that got RECONNECT and close once the new one has re-joined.
        var draining: Set<Int> = []
        var ready: (id: Int, handler: NIOLoopBound<IRCChatSessionHandler>)?
        var pendingEnds: [Int: EventLoopFuture<IRCSessionEnd>] = [:]
        var registeredSessions: Set<Int> = []
    }

    public init(configuration: IRCChatConfiguration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                logger: Logger = Logger(label: "twitch.irc"), onMessages: @escaping MessageHandler) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.logger = logger
        self.onMessages = onMessages
        switch configuration.credentials {
        case .anonymous: nick = "justinfan\(UInt32.random(in: 10_000...99_999_999))"
        case .oauth(let login, _): nick = login.lowercased()
        }
        (events, eventContinuation) = AsyncStream.makeStream(of: IRCChatEvent.self, bufferingPolicy: .bufferingNewest(1024))
        state = Mutex(State(limiter: IRCJoinRateLimiter(limit: configuration.joinLimit, window: configuration.joinWindow)))
        deduplicator = Mutex(ChatMessageDeduplicator(capacity: configuration.deduplicationCapacity))
    }

    // MARK: Channels

    /// Joins a channel (login, with or without `#`) now or as soon as the rate limit and the connection allow;
    /// it is re-joined after every reconnect until `part`.
    public func join(_ login: String) {
        let login = Self.normalize(login)
        guard !login.isEmpty else { return }
        let ready: NIOLoopBound<IRCChatSessionHandler>? = state.withLock { state in
            guard !state.desired.contains(login) else { return nil }
            state.desired.append(login)
            return state.ready?.handler
        }
        ready?.eventLoop.execute { ready?.value.enqueueJoins([login]) }
    }

    public func part(_ login: String) {
        let login = Self.normalize(login)
        let ready: NIOLoopBound<IRCChatSessionHandler>? = state.withLock { state in
            state.desired.removeAll { $0 == login }
            return state.ready?.handler
        }
        ready?.eventLoop.execute { ready?.value.part(login) }
    }

    public var channels: [String] { state.withLock { $0.desired } }

    static func normalize(_ login: String) -> String {
        var login = login.lowercased()
        if login.hasPrefix("#") { login.removeFirst() }
        return login
    }

    // MARK: Lifecycle

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await runConnections()
            } onCancel: {
                self.shutdown()
            }
        } onGracefulShutdown: {
            self.shutdown()
        }
    }

    /// Ends every connection with QUIT and reads until the server closes it (at most `quitGrace`), so the lines
    /// already on their way are still delivered; `run()` returns then. Closing at once would drop what sits unread
    /// in the socket.
    public func shutdown() {
        let channels = state.withLock { state in
            state.stopped = true
            return Array(state.open.values)
        }
        for channel in channels {
            channel.writeAndFlush(ByteBuffer(string: "QUIT\r\n"), promise: nil)
            channel.eventLoop.scheduleTask(in: Self.quitGrace) { channel.close(promise: nil) }
        }
    }

    /// How long a connection may take to close after QUIT before it is closed from this side.
    static let quitGrace = TimeAmount.seconds(1)

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func runConnections() async throws {
        defer { eventContinuation.finish() }
        var attempt = 0
        var firstConnection = true
        while !isStopped {
            if !firstConnection {
                metrics.reconnects.increment()
                tallies.reconnects.add(1, ordering: .relaxed)
            }
            firstConnection = false
            var sessionID: Int?
            let end: IRCSessionEnd
            do {
                let (id, ended) = try await connect()
                sessionID = id
                end = try await ended.get()
            } catch {
                end = .closed("connect to \(configuration.host):\(configuration.port) failed: \(error)")
            }
            if isStopped { break }
            let registered = sessionID.map { id in state.withLock { $0.registeredSessions.remove(id) != nil } } ?? false
            if registered { attempt = 0 }

            let delay: Duration
            switch end {
            case .authenticationFailed(let notice):
                logger.error("Twitch chat login failed", metadata: ["notice": "\(notice)", "nick": "\(nick)"])
                eventContinuation.yield(.authenticationFailed(notice))
                shutdown()
                throw IRCChatError.authenticationFailed(notice)
            case .reconnectRequested:
                // Twitch's advice: connect anew and re-join, then drop the old connection.
                if let id = sessionID { drain(sessionID: id) }
                delay = .zero
            case .closed, .silent:
                delay = configuration.reconnectBackoff[min(attempt, configuration.reconnectBackoff.count - 1)]
                attempt += 1
            }
            logger.warning("Twitch chat reconnecting", metadata: ["reason": "\(end)", "delay": "\(delay)"])
            eventContinuation.yield(.reconnecting(attempt: attempt, delay: delay, reason: "\(end)"))
            await sleepUnlessStopped(delay)
        }
        shutdown()
    }

    private func sleepUnlessStopped(_ delay: Duration) async {
        let deadline = ContinuousClock.now + delay
        while !isStopped, ContinuousClock.now < deadline {
            let remaining = deadline - ContinuousClock.now
            try? await Task.sleep(for: min(remaining, .milliseconds(50)))
        }
    }

    private func drain(sessionID: Int) {
        let channel: (any Channel)? = state.withLock { state in
            guard let channel = state.open[sessionID] else { return nil }
            state.draining.insert(sessionID)
            if state.ready?.id == sessionID { state.ready = nil }
            return channel
        }
        guard let channel else { return }
        let overlap = TimeAmount.nanoseconds(Int64(configuration.reconnectOverlap.components.seconds) * 1_000_000_000
                                             + configuration.reconnectOverlap.components.attoseconds / 1_000_000_000)
        channel.eventLoop.scheduleTask(in: overlap) { channel.close(promise: nil) }
    }

    private func connect() async throws -> (Int, EventLoopFuture<IRCSessionEnd>) {
        let id = state.withLock { state in
            state.nextSessionID += 1
            return state.nextSessionID
        }
        let tls: NIOSSLContext? = try configuration.useTLS ? NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let host = configuration.host
        let idle = TimeAmount.milliseconds(Int64(configuration.silenceTimeout.components.seconds) * 1000
                                           + configuration.silenceTimeout.components.attoseconds / 1_000_000_000_000_000)
        let maxLine = configuration.maxLineLength
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(Int64(configuration.connectTimeout.components.seconds)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls {
                        try sync.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: host))
                    }
                    try sync.addHandler(IdleStateHandler(readTimeout: idle))
                    try sync.addHandler(ByteToMessageHandler(IRCLineDecoder(maxLineLength: maxLine)))
                    try sync.addHandler(IRCChatSessionHandler(client: self, sessionID: id))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            state.withLock { _ = $0.pendingEnds.removeValue(forKey: id) }
            throw error
        }
        // The handler registered the session's end when it was added; the session may even be over already.
        guard let ended = state.withLock({ $0.pendingEnds.removeValue(forKey: id) }) else {
            channel.close(promise: nil)
            throw ChannelError.ioOnClosedChannel
        }
        return (id, ended)
    }

    // MARK: Called by session handlers (on their event loop)

    func sessionStarted(_ id: Int, ended: EventLoopFuture<IRCSessionEnd>) {
        state.withLock { $0.pendingEnds[id] = ended }
    }

    /// The socket is up; a shutdown that raced the connect closes it at once.
    func sessionOpened(_ id: Int, channel: any Channel) {
        let stopped = state.withLock { state in
            state.open[id] = channel
            return state.stopped
        }
        if stopped { channel.close(promise: nil) }
    }

    /// A session got 001: it becomes the one new joins go to; returns the channels it must join.
    func sessionRegistered(_ id: Int, handler: NIOLoopBound<IRCChatSessionHandler>, nick: String) -> [String] {
        eventContinuation.yield(.connected(nick: nick))
        return state.withLock { state in
            state.ready = (id, handler)
            state.registeredSessions.insert(id)
            return state.desired
        }
    }

    /// The session has joined every wanted channel: connections left from a RECONNECT can go.
    func sessionCaughtUp(_ id: Int, joined: Set<String>) {
        let toClose: [any Channel] = state.withLock { state in
            guard state.ready?.id == id, state.desired.allSatisfy(joined.contains) else { return [] }
            let channels = state.draining.compactMap { state.open[$0] }
            state.draining.removeAll()
            return channels
        }
        for channel in toClose { channel.close(promise: nil) }
    }

    func sessionClosed(_ id: Int) {
        state.withLock { state in
            state.open[id] = nil
            state.draining.remove(id)
            if state.ready?.id == id { state.ready = nil }
        }
    }

    func acquireJoins(_ wanted: Int) -> (granted: Int, retryAfter: Duration) {
        state.withLock { state in
            let granted = state.limiter.acquire(wanted)
            return (granted, state.limiter.delayUntilNext())
        }
    }

    func emit(_ event: IRCChatEvent) { eventContinuation.yield(event) }

    func deliver(_ batch: [TwitchChatMessage]) {
        let fresh = deduplicator.withLock { dedup in batch.filter { dedup.admit($0.messageID) } }
        if fresh.count < batch.count {
            metrics.duplicates.increment(by: Int64(batch.count - fresh.count))
            tallies.duplicates.add(batch.count - fresh.count, ordering: .relaxed)
        }
        guard !fresh.isEmpty else { return }
        metrics.messagesReceived.increment(by: Int64(fresh.count))
        tallies.received.add(fresh.count, ordering: .relaxed)
        onMessages(fresh)
    }

    func countSkippedLine() {
        metrics.parseErrors.increment()
        tallies.skipped.add(1, ordering: .relaxed)
    }

    func reportSkippedLine(_ error: String, line: String, total: Int) {
        logger.warning("skipped an IRC line", metadata: ["error": "\(error)", "line": "\(line.prefix(200))",
                                                         "skipped_on_connection": "\(total)"])
    }
}

/// Why a connection's session ended.
enum IRCSessionEnd: Sendable, CustomStringConvertible {
    case closed(String)
    case reconnectRequested
    case silent
    case authenticationFailed(String)

    var description: String {
        switch self {
        case .closed(let reason): reason
        case .reconnectRequested: "server sent RECONNECT"
        case .silent: "server silent for too long"
        case .authenticationFailed(let notice): "authentication failed: \(notice)"
        }
    }
}
