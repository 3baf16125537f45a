import Foundation

/// A message received on a subscribed channel.
public struct RedisMessage: Sendable, Equatable, CustomStringConvertible {
    public let channel: String
    /// The `PSUBSCRIBE` pattern that matched; nil for a plain `SUBSCRIBE`.
    public let pattern: String?
    public let payload: [UInt8]

    public init(channel: String, pattern: String?, payload: [UInt8]) {
        self.channel = channel
        self.pattern = pattern
        self.payload = payload
    }

    public var text: String { String(decoding: payload, as: UTF8.self) }
    public var description: String { "\(channel): \(text)" }
}

/// Subscribes to channels and patterns on a connection of its own, read by a dedicated thread (a subscribed
/// connection can do nothing else, and its reads block).
///
/// Events go to the `onEvent` callback (on the subscriber's thread) and to `events`. When the server goes away
/// the subscriber says so (`.connectionLost`), reconnects with exponential backoff, subscribes again and says so
/// (`.resubscribed`). Redis does not keep pub/sub messages: whatever was published while it was disconnected is
/// lost, which is why the loss is reported. `stop()` ends the thread and the `events` stream; the running thread
/// keeps the subscriber alive, so a subscriber that is started must be stopped.
public final class RedisSubscriber: @unchecked Sendable {
    public struct Options: Sendable, Equatable {
        /// The wait before the first reconnection attempt; it doubles after each failed one.
        public var initialBackoff: Duration
        public var maxBackoff: Duration
        /// Give up (`.failed`) after being disconnected this long; nil: keep trying until `stop()`.
        public var giveUpAfter: Duration?
        /// After this much silence a PING checks that the connection is still alive (a peer can vanish
        /// without closing the socket); no answer within the command timeout counts as a lost connection.
        public var healthCheckInterval: Duration

        public init(initialBackoff: Duration = .milliseconds(100), maxBackoff: Duration = .seconds(5),
                    giveUpAfter: Duration? = nil, healthCheckInterval: Duration = .seconds(15)) {
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.giveUpAfter = giveUpAfter
            self.healthCheckInterval = healthCheckInterval
        }
    }

    public enum Event: Sendable, Equatable {
        /// Every channel and pattern is subscribed (reported once, from `start()`).
        case subscribed
        case message(RedisMessage)
        /// The connection broke; messages published from now until `.resubscribed` are lost.
        case connectionLost(String)
        /// Connected and subscribed again, after `attempts` connection attempts.
        case resubscribed(attempts: Int)
        /// Reconnecting failed for longer than `giveUpAfter` (or the server rejected a subscription); no event follows.
        case failed(RedisError)
    }

    public let configuration: RedisConfiguration
    public let channels: [String]
    public let patterns: [String]
    public let options: Options
    private let onEvent: (@Sendable (Event) -> Void)?

    private let lock = NSCondition()
    private var state: State = .idle
    private var thread: Thread?
    private var startingThread: Thread?
    private var continuation: AsyncStream<Event>.Continuation?
    private var stream: AsyncStream<Event>?
    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1
    /// The connection `start()` opened, until the thread takes it.
    private var handoff: RedisConnection?

    // Owned by whichever thread reads the connection: `start()`'s caller, then the subscriber thread.
    private var confirmations = 0
    private var reconnectAttempts = 0
    private var pingSent: ContinuousClock.Instant?
    private var lastHeard = ContinuousClock.now

    private enum State { case idle, starting, running, stopping, stopped }

    public init(configuration: RedisConfiguration, channels: [String] = [], patterns: [String] = [],
                options: Options = Options(), onEvent: (@Sendable (Event) -> Void)? = nil) {
        self.configuration = configuration
        self.channels = channels
        self.patterns = patterns
        self.options = options
        self.onEvent = onEvent
    }

    deinit {
        closeWakePipe()
    }

    /// Every event, for one consumer. Take it before `start()` to see `.subscribed` and the first messages;
    /// it finishes after `stop()` or `.failed`. Events are buffered without bound until consumed.
    public var events: AsyncStream<Event> {
        lock.lock(); defer { lock.unlock() }
        if let stream { return stream }
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self)
        if state == .stopped { continuation.finish() }
        self.stream = stream
        self.continuation = continuation
        return stream
    }

    public var isRunning: Bool { lock.lock(); defer { lock.unlock() }; return state == .running }

    /// Connects and subscribes on the caller's thread — so an unreachable server or a refused subscription is
    /// an error here, naming `host:port` — then hands the connection to the subscriber thread.
    public func start() throws {
        guard !channels.isEmpty || !patterns.isEmpty else {
            throw RedisError(.invalidConfiguration, "a RedisSubscriber needs at least one channel or pattern")
        }
        lock.lock()
        guard state == .idle else { lock.unlock(); throw RedisError(.invalidConfiguration, "a RedisSubscriber starts only once") }
        state = .starting
        startingThread = Thread.current
        lock.unlock()
        let connection: RedisConnection
        do {
            connection = try connectAndSubscribe()
        } catch {
            lock.lock()
            startingThread = nil
            if state == .starting { state = .idle } else { finishLocked() }   // stop() came during start()
            lock.unlock()
            throw error
        }
        lock.lock()
        startingThread = nil
        guard state == .starting else { finishLocked(); lock.unlock(); return }
        state = .running
        handoff = connection
        let thread = Thread { [self] in run() }
        thread.name = "redis-subscriber"
        self.thread = thread
        lock.unlock()
        thread.start()
    }

    private func connectAndSubscribe() throws -> RedisConnection {
        closeWakePipe()   // left over from a start() that failed
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw RedisError(.connectionFailed, "cannot create the subscriber's wake-up pipe: \(String(cString: strerror(errno)))")
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }   // child processes must not inherit them

        let connection = try RedisConnection.open(configuration)
        try subscribe(on: connection)
        let deadline = ContinuousClock.now + configuration.commandTimeout
        while confirmations < expectedConfirmations {
            guard ContinuousClock.now < deadline else {
                throw RedisError(.timeout, "Redis at \(configuration.endpoint) did not confirm the subscription within \(configuration.commandTimeout)")
            }
            if try waitForInput(connection, timeout: deadline - ContinuousClock.now) == .readable {
                try connection.readAvailable()
            }
            while let reply = try connection.bufferedReply() {
                if case .error(let message) = reply {
                    throw RedisError(.server, "Redis at \(configuration.endpoint) rejected the subscription: \(message)")
                }
                handle(reply)
            }
        }
        return connection
    }

    /// Unsubscribes by closing the connection, ends the thread (waiting for it unless called from it), and
    /// finishes `events`. Safe to call more than once.
    public func stop() {
        lock.lock()
        switch state {
        case .idle:
            finishLocked()
            lock.unlock()
            return
        case .starting:
            state = .stopping   // start() sees it and stops instead of starting the thread
        case .running:
            state = .stopping
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        case .stopping, .stopped:
            break
        }
        // From the subscriber's own callback, waiting would wait for ourselves.
        let ownThread = Thread.current === thread || Thread.current === startingThread
        while state != .stopped && !ownThread { lock.wait() }
        lock.unlock()
    }

    /// With the lock held: the final state, the end of `events`, and a wake-up for `stop()` callers.
    private func finishLocked() {
        state = .stopped
        continuation?.finish()
        lock.broadcast()
    }

    // MARK: The subscriber thread

    private var isStopping: Bool { lock.lock(); defer { lock.unlock() }; return state != .running }

    private func run() {
        // Taken, not captured: the last reference must go when the loop drops it, or stop() would leave the
        // socket (and the server-side subscription) open.
        var connection = handoff
        handoff = nil
        var failure: RedisError?
        while !isStopping {
            guard let current = connection else {
                do { connection = try reconnect() } catch let error as RedisError { failure = error; break } catch { break }
                continue
            }
            do {
                try serve(current)
            } catch let error as RedisError where error.kind == .server {
                failure = error
                break
            } catch {
                emit(.connectionLost("\(error)"))
                connection = nil
            }
        }
        if let failure { emit(.failed(failure)) }
        connection = nil   // closes the socket: the server drops the subscriptions
        lock.lock()
        finishLocked()
        lock.unlock()
    }

    /// Reads and dispatches until the connection breaks or `stop()` is called.
    private func serve(_ connection: RedisConnection) throws {
        lastHeard = .now
        pingSent = nil
        while !isStopping {
            while let reply = try connection.bufferedReply() {
                if case .error(let message) = reply {
                    throw RedisError(.server, "Redis at \(configuration.endpoint) sent an error to the subscriber: \(message)")
                }
                handle(reply)
            }
            switch try waitForInput(connection, timeout: .seconds(1)) {
            case .readable:
                try connection.readAvailable()
                lastHeard = .now
                pingSent = nil
            case .woken:
                continue
            case .timedOut:
                if let sent = pingSent {
                    if ContinuousClock.now - sent > configuration.commandTimeout {
                        throw RedisError(.connectionLost, "Redis at \(configuration.endpoint) did not answer a PING within \(configuration.commandTimeout)")
                    }
                } else if ContinuousClock.now - lastHeard >= options.healthCheckInterval {
                    // RESP2 allows PING on a subscribed connection; the answer is ["pong", ""].
                    try connection.append(RedisCommand("PING"))
                    try connection.flush()
                    pingSent = .now
                }
            }
        }
    }

    /// Connects and subscribes again with exponential backoff; nil when stopped.
    private func reconnect() throws -> RedisConnection? {
        let lostAt = ContinuousClock.now
        var backoff = options.initialBackoff
        var attempts = 0
        var lastError = "no attempt yet"
        while !isStopping {
            if let limit = options.giveUpAfter, ContinuousClock.now - lostAt >= limit {
                throw RedisError(.connectionLost, "lost the connection to Redis at \(configuration.endpoint) and could not "
                    + "subscribe again within \(limit) (\(attempts) attempts; last: \(lastError))")
            }
            if sleep(backoff) == .woken { continue }
            attempts += 1
            do {
                let connection = try RedisConnection.open(configuration)
                try subscribe(on: connection)
                reconnectAttempts = attempts   // `.resubscribed` is reported when the server confirms
                return connection
            } catch {
                lastError = "\(error)"
                backoff = min(backoff * 2, options.maxBackoff)
            }
        }
        return nil
    }

    // MARK: Protocol

    private var expectedConfirmations: Int { channels.count + patterns.count }

    private func subscribe(on connection: RedisConnection) throws {
        confirmations = 0
        if !channels.isEmpty { try connection.append(RedisCommand("SUBSCRIBE", channels)) }
        if !patterns.isEmpty { try connection.append(RedisCommand("PSUBSCRIBE", patterns)) }
        try connection.flush()
    }

    /// Dispatches one pushed reply: a message, a subscription confirmation, or a PING's answer.
    private func handle(_ reply: RedisReply) {
        guard let items = reply.elements, let kind = items.first?.text?.lowercased() else { return }
        switch kind {
        case "message" where items.count == 3:
            emit(.message(RedisMessage(channel: items[1].text ?? "", pattern: nil, payload: items[2].bytes ?? [])))
        case "pmessage" where items.count == 4:
            emit(.message(RedisMessage(channel: items[2].text ?? "", pattern: items[1].text, payload: items[3].bytes ?? [])))
        case "subscribe", "psubscribe":
            confirmations += 1
            if confirmations == expectedConfirmations {
                if reconnectAttempts == 0 { emit(.subscribed) } else { emit(.resubscribed(attempts: reconnectAttempts)) }
            }
        default:
            break   // "pong" and anything newer servers may push
        }
    }

    private func emit(_ event: Event) {
        onEvent?(event)
        lock.lock()
        continuation?.yield(event)
        lock.unlock()
    }

    // MARK: Waiting (poll on the socket and on the wake-up pipe `stop()` writes to)

    private enum Wait { case readable, woken, timedOut }

    private func waitForInput(_ connection: RedisConnection, timeout: Duration) throws -> Wait {
        var fds = [pollfd(fd: connection.fileDescriptor, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        let n = poll(&fds, 2, Int32(clamping: max(0, timeout.redisMilliseconds)))
        if n < 0 {
            if errno == EINTR { return .woken }
            throw RedisError(.connectionLost, "poll on the connection to Redis at \(configuration.endpoint) failed: \(String(cString: strerror(errno)))")
        }
        if fds[1].revents != 0 { return .woken }
        if fds[0].revents != 0 { return .readable }
        return .timedOut
    }

    private func closeWakePipe() {
        if wakeRead >= 0 { close(wakeRead); wakeRead = -1 }
        if wakeWrite >= 0 { close(wakeWrite); wakeWrite = -1 }
    }

    /// Waits, unless `stop()` wakes it first.
    private func sleep(_ duration: Duration) -> Wait {
        var fd = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, Int32(clamping: duration.redisMilliseconds)) > 0 ? .woken : .timedOut
    }
}
