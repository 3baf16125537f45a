import CLibPQ
import Foundation

/// A thread-safe pool of `PostgresConnection`s between `minConnections` and `maxConnections`.
///
/// - Callers beyond `maxConnections` wait (at most `acquireTimeout`), then get a `.poolExhausted` error.
/// - An idle connection is checked before it is handed out; a broken one is discarded and a new one opened.
///   A connection returned broken, or inside a transaction that cannot be rolled back, is discarded too.
/// - A background thread closes connections idle longer than `idleTimeout` (down to `minConnections`) and, once
///   the pool has been used, reopens connections up to `minConnections`.
///
/// Sinks run on plain threads and use the blocking `withConnection`; async code uses the `async` overload, which
/// runs the blocking work off the Swift concurrency pool.
public final class PostgresConnectionPool: @unchecked Sendable {
    public let configuration: PostgresConfiguration

    /// What the pool holds right now, and what it has done since it was created.
    public struct Statistics: Sendable, CustomStringConvertible {
        /// Connections open or being opened (idle + in use).
        public let open: Int
        public let idle: Int
        public var inUse: Int { open - idle }
        /// Callers waiting for a free connection.
        public let waiting: Int
        /// Connections opened over the pool's life.
        public let created: Int
        /// Connections found broken and thrown away.
        public let discarded: Int
        public var description: String { "open \(open) (idle \(idle), in use \(inUse)), waiting \(waiting), created \(created), discarded \(discarded)" }
    }

    private struct IdleConnection {
        let connection: PostgresConnection
        let since: Date
    }

    private let minConnections: Int
    private let maxConnections: Int
    private let condition = NSCondition()
    private var idle: [IdleConnection] = []   // oldest first; handed out newest first, so the old ones age out
    private var open = 0
    private var waiting = 0
    private var created = 0
    private var discarded = 0
    private var used = false
    private var closed = false
    private var maintenance: MaintenanceThread?

    public init(configuration: PostgresConfiguration) {
        self.configuration = configuration
        maxConnections = max(1, configuration.maxConnections)
        minConnections = min(max(0, configuration.minConnections), maxConnections)
    }

    deinit { close() }

    public var statistics: Statistics {
        condition.lock(); defer { condition.unlock() }
        return Statistics(open: open, idle: idle.count, waiting: waiting, created: created, discarded: discarded)
    }

    // MARK: - Borrowing

    /// Runs `body` with a connection of the pool and gives it back afterwards (discarding it if it broke).
    public func withConnection<T>(timeout: Duration? = nil, _ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try acquire(timeout: timeout)
        defer { release(connection) }
        return try body(connection)
    }

    /// The async form: the blocking acquire and `body` run on a dispatch queue, never on a Swift concurrency thread.
    public func withConnection<T: Sendable>(timeout: Duration? = nil,
                                            _ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Self.blockingWork.async {
                continuation.resume(with: Result { try self.withConnection(timeout: timeout, body) })
            }
        }
    }
    private static let blockingWork = DispatchQueue(label: "postgres-pool.blocking", attributes: .concurrent)

    /// Takes a connection, opening one if none is idle and fewer than `maxConnections` are open, else waiting up to
    /// `timeout` (default `acquireTimeout`). Give it back with `release`.
    public func acquire(timeout: Duration? = nil) throws -> PostgresConnection {
        let wait = timeout ?? configuration.acquireTimeout
        let deadline = Date().addingTimeInterval(wait.seconds)
        condition.lock()
        used = true
        startMaintenanceIfNeeded()
        while true {
            guard !closed else {
                condition.unlock()
                throw PostgresError(.configuration, "the connection pool for \(configuration.endpoint) is closed")
            }
            if let entry = idle.popLast() {
                condition.unlock()
                if entry.connection.isUsableAfterIdle() { return entry.connection }
                entry.connection.close()
                condition.lock()
                open -= 1; discarded += 1
                continue
            }
            if open < maxConnections {
                open += 1
                condition.unlock()
                return try openConnection()
            }
            if Date() >= deadline {
                condition.unlock()
                throw PostgresError(.poolExhausted, "no connection to \(configuration.endpoint) became free within "
                                    + "\(Self.format(wait)): all \(maxConnections) (maxConnections) are in use")
            }
            waiting += 1
            _ = condition.wait(until: deadline)
            waiting -= 1
        }
    }

    /// Gives a connection back. One that broke, or is stuck in a transaction, is closed instead of kept.
    public func release(_ connection: PostgresConnection) {
        var healthy = connection.isConnected
        if healthy && connection.transactionStatus != PQTRANS_IDLE {
            healthy = (try? connection.execute("ROLLBACK")) != nil && connection.transactionStatus == PQTRANS_IDLE
        }
        condition.lock()
        let keep = healthy && !closed
        if keep {
            idle.append(IdleConnection(connection: connection, since: Date()))
        } else {
            open -= 1
            if !healthy { discarded += 1 }
        }
        condition.signal()
        condition.unlock()
        if !keep { connection.close() }
    }

    /// Closes idle connections now and the others when they come back; later acquires fail.
    public func close() {
        condition.lock()
        let idleConnections = idle
        idle = []
        open -= idleConnections.count
        closed = true
        let maintenance = self.maintenance
        condition.broadcast()
        condition.unlock()
        maintenance?.stop()
        for entry in idleConnections { entry.connection.close() }
    }

    // MARK: - Opening and upkeep

    /// Opens a connection for a slot already counted in `open`; frees the slot if that fails.
    private func openConnection() throws -> PostgresConnection {
        do {
            let connection = try PostgresConnection(configuration: configuration)
            condition.lock(); created += 1; condition.unlock()
            return connection
        } catch {
            condition.lock(); open -= 1; condition.signal(); condition.unlock()
            throw error
        }
    }

    /// One round of upkeep: expire idle connections, check the remaining idle ones, reopen up to the minimum.
    /// Returns false once the pool is closed.
    fileprivate func maintain() -> Bool {
        condition.lock()
        guard !closed else { condition.unlock(); return false }
        let now = Date()
        var expired: [PostgresConnection] = []
        while open > minConnections, let oldest = idle.first, now.timeIntervalSince(oldest.since) >= configuration.idleTimeout.seconds {
            idle.removeFirst()
            open -= 1
            expired.append(oldest.connection)
        }
        // Look at every idle connection without blocking; only suspects leave the list for a round trip.
        var broken: [PostgresConnection] = []
        var suspects: [IdleConnection] = []
        idle.removeAll { entry in
            switch entry.connection.idleHealth() {
            case .healthy: return false
            case .broken: broken.append(entry.connection); return true
            case .suspect: suspects.append(entry); return true
            }
        }
        condition.unlock()
        for connection in expired { connection.close() }
        var survivors: [IdleConnection] = []
        for entry in suspects {
            if entry.connection.isUsableAfterIdle() { survivors.append(entry) } else { broken.append(entry.connection) }
        }
        for connection in broken { connection.close() }

        condition.lock()
        idle.insert(contentsOf: survivors, at: 0)
        open -= broken.count
        discarded += broken.count
        if !survivors.isEmpty { condition.broadcast() }
        let missing = used && !closed ? max(0, minConnections - open) : 0
        open += missing
        condition.unlock()

        for i in 0..<missing {
            guard let connection = try? openConnection() else {
                // The server is away; give back the remaining reservations and try again next round.
                condition.lock(); open -= missing - i - 1; condition.unlock()
                break
            }
            condition.lock()
            idle.append(IdleConnection(connection: connection, since: Date()))
            condition.signal()
            condition.unlock()
        }
        return true
    }

    private func startMaintenanceIfNeeded() {
        guard maintenance == nil else { return }
        // Often enough to honour a short idle timeout, rarely enough to cost nothing.
        let interval = min(5.0, max(0.05, configuration.idleTimeout.seconds / 4))
        maintenance = MaintenanceThread(pool: self, interval: interval)
    }

    private static func format(_ d: Duration) -> String {
        let s = d.seconds
        return s < 1 ? "\(Int(s * 1000)) ms" : "\(String(format: "%.1f", s)) s"
    }

    /// Runs `maintain()` every `interval` seconds. Holds the pool weakly, so an abandoned pool is freed (and closes
    /// its connections) without an explicit `close()`.
    private final class MaintenanceThread: @unchecked Sendable {
        private let condition = NSCondition()
        private var stopped = false

        init(pool: PostgresConnectionPool, interval: Double) {
            let thread = Thread { [weak pool, self] in
                while true {
                    self.condition.lock()
                    if !self.stopped { _ = self.condition.wait(until: Date().addingTimeInterval(interval)) }
                    let stop = self.stopped
                    self.condition.unlock()
                    guard !stop, let pool, pool.maintain() else { return }
                }
            }
            thread.name = "postgres-pool \(pool.configuration.endpoint)"
            thread.start()
        }

        func stop() {
            condition.lock(); stopped = true; condition.broadcast(); condition.unlock()
        }
    }
}
