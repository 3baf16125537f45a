import Foundation

/// A synchronous Redis client on one hiredis connection, safe to share between threads (calls take turns
/// behind a lock).
///
/// It connects on first use (or `connect()`, to fail fast). When the connection turns out to be broken — the
/// server restarted, or closed it — the client reconnects once and repeats the command; if that fails too, the
/// error names the server and both causes. A command the server may already have run when the connection broke
/// mid-reply is therefore sent twice: harmless for SET/EXPIRE/DEL/PUBLISH-style calls, visible for INCR.
/// A timeout is not retried (the server may be slow, not gone); the connection is dropped and the next call
/// reconnects.
///
/// Calls block their thread: from Swift concurrency use `perform`, which runs them on the client's own queue.
public final class RedisClient: @unchecked Sendable {
    public let configuration: RedisConfiguration
    private let lock = NSLock()
    private var connection: RedisConnection?
    /// A serial queue of its own for `perform`: blocking the 2-thread cooperative pool would stall other tasks.
    private let queue: DispatchQueue

    public init(configuration: RedisConfiguration) {
        self.configuration = configuration
        queue = DispatchQueue(label: "redis-client \(configuration.endpoint)")
    }

    public convenience init(url: String) throws {
        self.init(configuration: try RedisConfiguration(url: url))
    }

    /// Connects now (if not connected), so that an unreachable server is reported at startup.
    public func connect() throws {
        try withConnection { _ in }
    }

    /// Drops the connection; the next call reconnects.
    public func close() {
        lock.lock()
        connection = nil
        lock.unlock()
    }

    public var isConnected: Bool {
        lock.lock(); defer { lock.unlock() }
        return connection.map { !$0.isBroken } ?? false
    }

    /// Runs one command; an error reply is thrown as `RedisError(.server)`.
    @discardableResult
    public func command(_ command: RedisCommand) throws -> RedisReply {
        let reply = try withConnection { try $0.execute(command) }
        if case .error(let message) = reply {
            throw RedisError(.server, "Redis at \(configuration.endpoint) rejected \(command): \(message)")
        }
        return reply
    }

    /// Runs one command: `try client.command("HSET", key, field, value)`.
    @discardableResult
    public func command(_ name: String, _ arguments: any RedisArgument...) throws -> RedisReply {
        try command(RedisCommand(name, arguments))
    }

    /// Sends the commands in one write and reads all replies, in order. Error replies stay in place (one bad
    /// command does not hide the others' results); only connection failures throw.
    public func pipeline(_ commands: [RedisCommand]) throws -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        return try withConnection { try $0.pipeline(commands) }
    }

    /// Runs blocking calls off the Swift concurrency pool: `let v = try await client.perform { try $0.get("k") }`.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (RedisClient) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            queue.async {
                continuation.resume(with: Result { try body(self) })
            }
        }
    }

    // MARK: Connection handling

    private func withConnection<T>(_ body: (RedisConnection) throws -> T) throws -> T {
        lock.lock(); defer { lock.unlock() }
        // A connection the server closed while we were idle is replaced before anything is sent on it.
        if let current = connection, current.isBroken || current.looksClosedByPeer { connection = nil }
        let current: RedisConnection
        if let existing = connection {
            current = existing
        } else {
            current = try RedisConnection.open(configuration)
            connection = current
        }
        do {
            return try body(current)
        } catch let error as RedisError where error.kind == .connectionLost {
            connection = nil
            let fresh: RedisConnection
            do {
                fresh = try RedisConnection.open(configuration)
            } catch let reconnect as RedisError {
                throw RedisError(.connectionLost, "\(error.message); reconnecting failed: \(reconnect.message)")
            }
            connection = fresh
            do { return try body(fresh) } catch let again as RedisError where again.kind == .connectionLost {
                connection = nil
                throw RedisError(.connectionLost, "\(again.message) (again, right after reconnecting)")
            }
        } catch let error as RedisError {
            if current.isBroken { connection = nil }
            throw error
        }
    }
}
