import CHiredis
import Foundation

/// One blocking hiredis connection, already authenticated and on its database. Not thread-safe: `RedisClient`
/// guards one with a lock, and `RedisSubscriber` keeps one on its own thread.
///
/// After any I/O, timeout or protocol error hiredis leaves the context unusable, so the connection marks itself
/// broken and its owner replaces it.
///
/// `@unchecked Sendable` only so that a subscriber can hand its connection to its thread: it is never shared.
final class RedisConnection: @unchecked Sendable {
    let configuration: RedisConfiguration
    private let context: UnsafeMutablePointer<redisContext>
    private(set) var isBroken = false

    private init(configuration: RedisConfiguration, context: UnsafeMutablePointer<redisContext>) {
        self.configuration = configuration
        self.context = context
    }

    deinit { redisFree(context) }

    /// Connects, authenticates and selects the database; every failure names `host:port`.
    static func open(_ configuration: RedisConfiguration) throws -> RedisConnection {
        let endpoint = configuration.endpoint
        guard let context = redisConnectWithTimeout(configuration.host, Int32(configuration.port),
                                                    timeval(configuration.connectTimeout)) else {
            throw RedisError(.connectionFailed, "cannot connect to Redis at \(endpoint): out of memory")
        }
        if context.pointee.err != 0 {
            let reason = errorString(context)
            redisFree(context)
            throw RedisError(.connectionFailed, "cannot connect to Redis at \(endpoint): \(reason)")
        }
        let connection = RedisConnection(configuration: configuration, context: context)
        // Not inherited by child processes: a daemon started by one would keep the connection open.
        _ = fcntl(context.pointee.fd, F_SETFD, FD_CLOEXEC)
        // Read/write timeouts: a hung server surfaces as an error instead of a thread blocked forever.
        _ = redisSetTimeout(context, timeval(configuration.commandTimeout))
        // Keepalive lets the kernel notice a peer that vanished without closing the socket.
        _ = redisEnableKeepAlive(context)
        do {
            if let password = configuration.password {
                let auth = configuration.username.map { RedisCommand("AUTH", $0, password) } ?? RedisCommand("AUTH", password)
                if case .error(let message) = try connection.execute(auth) {
                    throw RedisError(.connectionFailed, "Redis at \(endpoint) refused AUTH: \(message)")
                }
            }
            if configuration.database != 0, case .error(let message) = try connection.execute(RedisCommand("SELECT", configuration.database)) {
                throw RedisError(.connectionFailed, "Redis at \(endpoint) refused SELECT \(configuration.database): \(message)")
            }
        } catch let error as RedisError where error.kind != .connectionFailed {
            throw RedisError(.connectionFailed, "cannot connect to Redis at \(endpoint): \(error.message)")
        }
        return connection
    }

    var fileDescriptor: Int32 { context.pointee.fd }

    /// Sends one command and waits for its reply; an error reply is returned, not thrown.
    func execute(_ command: RedisCommand) throws -> RedisReply {
        try checkUsable()
        let raw = withArgv(command.arguments) { argc, argv, lengths in redisCommandArgv(context, argc, argv, lengths) }
        guard let raw else { throw failure(while: command.description) }
        defer { freeReplyObject(raw) }
        return RedisReply(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Sends every command in one write and reads their replies in order (error replies in place).
    func pipeline(_ commands: [RedisCommand]) throws -> [RedisReply] {
        try checkUsable()
        for command in commands { try append(command) }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for command in commands {
            replies.append(try readReply(while: command.description))
        }
        return replies
    }

    /// Queues a command in the output buffer (nothing is written yet).
    func append(_ command: RedisCommand) throws {
        let status = withArgv(command.arguments) { argc, argv, lengths in redisAppendCommandArgv(context, argc, argv, lengths) }
        if status != REDIS_OK { throw failure(while: command.description) }
    }

    /// Writes the output buffer, then blocks until a whole reply is read.
    func readReply(while what: String) throws -> RedisReply {
        var raw: UnsafeMutableRawPointer? = nil
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw failure(while: what) }
        defer { freeReplyObject(raw) }
        return RedisReply(raw.assumingMemoryBound(to: redisReply.self))
    }

    // MARK: Event-loop primitives for the subscriber (poll(2) decides when to read)

    /// Writes everything queued by `append`.
    func flush() throws {
        var done: Int32 = 0
        while done == 0 {
            if redisBufferWrite(context, &done) != REDIS_OK { throw failure(while: "writing") }
        }
    }

    /// One read(2) into hiredis's reader; call it only when poll(2) says the socket is readable.
    func readAvailable() throws {
        if redisBufferRead(context) != REDIS_OK { throw failure(while: "reading") }
    }

    /// A reply already read and parsed, if a whole one is buffered.
    func bufferedReply() throws -> RedisReply? {
        var raw: UnsafeMutableRawPointer? = nil
        guard redisGetReplyFromReader(context, &raw) == REDIS_OK else { throw failure(while: "parsing a reply") }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return RedisReply(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// True when an idle connection has something to read: on RESP2 that can only be the server closing it
    /// (a restart, `CLIENT KILL`, an idle timeout), so the owner reconnects before sending rather than after.
    var looksClosedByPeer: Bool {
        var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    // MARK: Errors

    private func checkUsable() throws {
        if isBroken { throw RedisError(.connectionLost, "the connection to Redis at \(configuration.endpoint) is broken") }
    }

    /// Turns hiredis's context error into a RedisError, and marks the connection broken.
    private func failure(while what: String) -> RedisError {
        let code = errno
        isBroken = true
        let endpoint = configuration.endpoint
        let reason = Self.errorString(context)
        switch context.pointee.err {
        case REDIS_ERR_IO where code == EAGAIN || code == EWOULDBLOCK || reason.contains("temporarily unavailable"):
            return RedisError(.timeout, "Redis at \(endpoint) did not answer \(what) within \(configuration.commandTimeout)")
        case REDIS_ERR_EOF:
            return RedisError(.connectionLost, "Redis at \(endpoint) closed the connection (\(what))")
        case REDIS_ERR_PROTOCOL:
            return RedisError(.protocolError, "protocol error from Redis at \(endpoint) (\(what)): \(reason)")
        case 0:
            return RedisError(.connectionLost, "the connection to Redis at \(endpoint) failed (\(what))")
        default:
            return RedisError(.connectionLost, "the connection to Redis at \(endpoint) failed (\(what)): \(reason)")
        }
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { buffer in
            String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

/// Lays the arguments out in one buffer and hands hiredis their pointers and lengths (binary-safe argv).
private func withArgv<R>(_ arguments: [[UInt8]],
                         _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
    var flat: [UInt8] = []
    flat.reserveCapacity(arguments.reduce(1) { $0 + $1.count })
    var offsets: [Int] = []
    var lengths: [Int] = []
    for argument in arguments {
        offsets.append(flat.count)
        lengths.append(argument.count)
        flat.append(contentsOf: argument)
    }
    flat.append(0)   // never empty, so there is always a base address (empty arguments point at it)
    return flat.withUnsafeBufferPointer { bytes in
        let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
        var argv: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
        return argv.withUnsafeMutableBufferPointer { argvBuffer in
            lengths.withUnsafeBufferPointer { lengthBuffer in
                body(Int32(arguments.count), argvBuffer.baseAddress!, lengthBuffer.baseAddress!)
            }
        }
    }
}

extension timeval {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
