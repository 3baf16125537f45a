import Foundation
import PostgresConnector
import Synchronization

/// The server the tests run against: POSTGRES_TEST_URL, or the local one `scripts/servers.sh start postgres` runs.
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["POSTGRES_TEST_URL"]
        .flatMap { $0.isEmpty ? nil : $0 } ?? "postgresql://postgres@127.0.0.1:55432/highlights_test"

    /// The test configuration, with short timeouts so a missing server fails fast.
    static func configuration(_ adjust: (inout PostgresConfiguration) -> Void = { _ in }) throws -> PostgresConfiguration {
        var configuration = try PostgresConfiguration(url: url)
        configuration.connectTimeout = .seconds(5)
        configuration.acquireTimeout = .seconds(10)
        adjust(&configuration)
        return configuration
    }

    /// A direct connection; a missing server is a test failure with instructions, never a skip.
    static func connect() throws -> PostgresConnection {
        do {
            return try PostgresConnection(configuration: configuration())
        } catch {
            throw Unreachable(cause: "\(error)")
        }
    }

    struct Unreachable: Error, CustomStringConvertible {
        let cause: String
        var description: String {
            "PostgreSQL test database not reachable at \(TestDatabase.url) (POSTGRES_TEST_URL): \(cause). "
                + "Start it with `scripts/servers.sh start postgres`."
        }
    }

    /// A table name no other test (or run) uses.
    static func uniqueName(_ prefix: String) -> String {
        "pgtest_\(prefix)_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Creates a table from `columns` (the part inside the parentheses), runs `body`, and drops it.
    static func withTable<T>(_ prefix: String, _ columns: String, _ body: (String) async throws -> T) async throws -> T {
        let table = uniqueName(prefix)
        let admin = try connect()
        defer { admin.close() }
        try admin.execute("CREATE TABLE \(table) (\(columns))")
        do {
            let value = try await body(table)
            _ = try? connect().execute("DROP TABLE IF EXISTS \(table)")
            return value
        } catch {
            _ = try? connect().execute("DROP TABLE IF EXISTS \(table)")
            throw error
        }
    }

    /// One integer a query returns.
    static func scalar(_ sql: String, _ parameters: [PostgresValue] = []) throws -> Int64 {
        let connection = try connect()
        defer { connection.close() }
        return try connection.query(sql, parameters)[row: 0][0].int64() ?? 0
    }
}

/// A TCP port on loopback with nothing listening (bound to pick it, then released).
func unusedPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Runs `body(i)` on `count` plain threads (as sinks use the pool) and returns when all are done.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        let group = DispatchGroup()
        for i in 0..<count {
            group.enter()
            Thread { body(i); group.leave() }.start()
        }
        group.notify(queue: .global()) { done.resume() }
    }
}

/// Waits (without blocking a Swift concurrency thread for long) until `condition` holds or `seconds` pass.
func eventually(within seconds: Double, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try condition()
}

/// An atomic integer that closures can share (an `Atomic` itself cannot be captured: it is not copyable).
final class AtomicCell: Sendable {
    let value: Atomic<Int>
    init(_ initial: Int = 0) { value = Atomic(initial) }
    var current: Int { value.load(ordering: .relaxed) }
}
