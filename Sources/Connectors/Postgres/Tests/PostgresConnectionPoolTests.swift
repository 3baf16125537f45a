import Foundation
import Synchronization
import Testing
@testable import PostgresConnector

@Suite("PostgresConnectionPool: limits, waiting, health, idle connections")
struct PostgresConnectionPoolTests {
    /// A pool whose sessions are recognisable in pg_stat_activity.
    static func pool(_ adjust: (inout PostgresConfiguration) -> Void) throws -> (PostgresConnectionPool, String) {
        let name = TestDatabase.uniqueName("pool")
        let pool = PostgresConnectionPool(configuration: try TestDatabase.configuration {
            $0.applicationName = name
            adjust(&$0)
        })
        return (pool, name)
    }

    static func serverSessions(_ applicationName: String) throws -> Int64 {
        try TestDatabase.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", [.text(applicationName)])
    }

    @Test("twelve threads hammering a pool of three never hold more than three connections")
    func neverExceedsMax() async throws {
        _ = try TestDatabase.connect()   // fail clearly first if the server is away
        let (pool, name) = try Self.pool { $0.minConnections = 1; $0.maxConnections = 3 }
        defer { pool.close() }
        let inUse = AtomicCell(0), peak = AtomicCell(0), peakSessions = AtomicCell(0), failures = AtomicCell(0)
        await onThreads(12) { _ in
            for _ in 0..<8 {
                do {
                    try pool.withConnection { connection in
                        let now = inUse.value.wrappingAdd(1, ordering: .relaxed).newValue
                        _ = peak.value.max(now, ordering: .relaxed)
                        let sessions = try connection.query("SELECT (SELECT count(*) FROM pg_stat_activity WHERE application_name = $1), pg_sleep(0.01)",
                                                            [.text(name)])
                        _ = peakSessions.value.max(try sessions[row: 0][0].int() ?? 0, ordering: .relaxed)
                        inUse.value.wrappingSubtract(1, ordering: .relaxed)
                    }
                } catch {
                    failures.value.wrappingAdd(1, ordering: .relaxed)
                }
            }
        }
        #expect(failures.current == 0)
        #expect(peak.current == 3, "12 threads should fill all 3 connections")
        #expect(peakSessions.current <= 3)
        let stats = pool.statistics
        #expect(stats.open <= 3 && stats.created <= 3, "\(stats)")
    }

    @Test("an exhausted pool blocks the caller, then fails with a clear error; a release wakes a waiter")
    func exhaustion() async throws {
        _ = try TestDatabase.connect()
        let (pool, _) = try Self.pool { $0.minConnections = 0; $0.maxConnections = 2 }
        defer { pool.close() }
        let a = try pool.acquire(), b = try pool.acquire()

        let start = Date()
        let error = #expect(throws: PostgresError.self) { try pool.acquire(timeout: .milliseconds(300)) }
        let waited = Date().timeIntervalSince(start)
        #expect(error?.kind == .poolExhausted)
        #expect(error?.message.contains("all 2 (maxConnections) are in use") == true, "\(String(describing: error))")
        // Only the lower bound is the behaviour under test; the upper one just catches a hang (a loaded machine
        // may wake the caller late).
        #expect(waited >= 0.28 && waited < 30, "waited \(waited) s")

        // A waiter gets the connection released while it waits. The bounds below are generous on purpose: run among
        // hundreds of parallel tests on two cores, the waiter thread may not be scheduled for seconds.
        let gotIt = AtomicCell()
        let waiterDone = AtomicCell()
        Thread {
            if let c = try? pool.acquire(timeout: .seconds(60)) { gotIt.value.store(1, ordering: .relaxed); pool.release(c) }
            waiterDone.value.store(1, ordering: .relaxed)
        }.start()
        #expect(await eventually(within: 60) { pool.statistics.waiting == 1 })
        pool.release(a)
        #expect(await eventually(within: 60) { waiterDone.current == 1 })
        #expect(gotIt.current == 1)
        pool.release(b)
        #expect(pool.statistics.open == 2 && pool.statistics.idle == 2)
    }

    @Test("a connection killed with pg_terminate_backend is discarded and replaced, idle or in use")
    func replacesKilledConnections() async throws {
        let admin = try TestDatabase.connect()
        defer { admin.close() }
        let (pool, _) = try Self.pool { $0.minConnections = 1; $0.maxConnections = 1 }
        defer { pool.close() }

        // Killed while idle in the pool: the next borrower gets a fresh session.
        let first = try await pool.withConnection { $0.backendPID }
        #expect(try admin.query("SELECT pg_terminate_backend($1::int, 5000)", [PostgresValue(first)])[row: 0][0].bool() == true)
        let second = try await pool.withConnection { connection in
            try connection.query("SELECT pg_backend_pid()")[row: 0][0].int64()
        }
        #expect(second != nil && second != Int64(first))
        #expect(pool.statistics.discarded == 1)

        // Killed while borrowed: the statement fails as a connection error, and the pool drops it on release.
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { connection in
                _ = try admin.query("SELECT pg_terminate_backend($1::int, 5000)", [PostgresValue(connection.backendPID)])
                try connection.query("SELECT 1")
            }
        }
        #expect(error?.isConnectionError == true)
        let third = try await pool.withConnection { try $0.query("SELECT pg_backend_pid()")[row: 0][0].int64() }
        #expect(third != nil && third != second)
        #expect(pool.statistics.discarded == 2 && pool.statistics.open == 1)
    }

    @Test("idle connections above the minimum close after the idle timeout; the pool tops up to the minimum")
    func idleTimeout() async throws {
        _ = try TestDatabase.connect()
        let (pool, name) = try Self.pool { $0.minConnections = 2; $0.maxConnections = 4; $0.idleTimeout = .milliseconds(400) }
        defer { pool.close() }
        let held = try (0..<4).map { _ in try pool.acquire() }
        #expect(try Self.serverSessions(name) == 4)
        held.forEach(pool.release)
        #expect(pool.statistics.open == 4)
        #expect(await eventually(within: 30) { pool.statistics.open == 2 }, "\(pool.statistics)")
        #expect(try await eventually(within: 30) { try Self.serverSessions(name) == 2 })
        // Stays at the minimum: connections below it are kept however long they idle.
        try await Task.sleep(for: .seconds(1))
        #expect(pool.statistics.open == 2 && pool.statistics.idle == 2)

        // Lost below the minimum: reopened without anyone asking.
        let admin = try TestDatabase.connect()
        defer { admin.close() }
        try admin.query("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = $1", [.text(name)])
        #expect(try await eventually(within: 30) { try Self.serverSessions(name) == 2 }, "\(pool.statistics)")
        #expect(pool.statistics.discarded == 2 && pool.statistics.created == 6, "\(pool.statistics)")
    }

    @Test("the async API runs blocking work off the concurrency pool")
    func asyncAPI() async throws {
        _ = try TestDatabase.connect()
        let (pool, _) = try Self.pool { $0.minConnections = 0; $0.maxConnections = 2 }
        defer { pool.close() }
        let answers = try await withThrowingTaskGroup(of: Int64.self) { group in
            for i in 0..<8 {
                group.addTask {
                    try await pool.withConnection { try $0.query("SELECT 41 + $1, pg_sleep(0.02)", [PostgresValue(i)])[row: 0][0].int64() ?? -1 }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.sorted() == (41..<49).map(Int64.init))
        #expect(pool.statistics.created <= 2)
    }

    @Test("a closed pool refuses to lend")
    func closed() throws {
        let (pool, _) = try Self.pool { $0.minConnections = 0 }
        pool.close()
        #expect(throws: PostgresError.self) { try pool.acquire() }
    }
}
