import Dataflow
import Foundation
import Runtime
import Testing
@testable import PostgresConnector

/// A row of the sink tests' tables.
struct Reading: PostgresRow, Sendable {
    let id: Int64
    let device: String
    let value: Double
    let at: Int64
    let run: Int64

    static let postgresColumns = ["id", "device", "value", "at", "run"]
    var postgresValues: [PostgresValue] { [.int64(id), .text(device), .double(value), .timestamp(epochMillis: at), .int64(run)] }

    static let tableColumns = "id bigint PRIMARY KEY, device text NOT NULL, value double precision, at timestamptz NOT NULL, run bigint NOT NULL"

    static func generated(_ i: Int, run: Int64) -> Reading {
        Reading(id: Int64(i), device: "device-\(i % 1000)", value: Double(i) * 0.5 + Double(run), at: 1_714_566_896_000 + Int64(i), run: run)
    }
}

@Suite("PostgresSink: batches, upserts, outages, bad rows", .serialized)
struct PostgresSinkTests {
    static func sink(_ table: String, url: String = TestDatabase.url, _ adjust: (inout PostgresSinkOptions, inout PostgresConfiguration) -> Void = { _, _ in })
        throws -> PostgresSink<Reading> {
        var configuration = try PostgresConfiguration(url: url)
        configuration.connectTimeout = .seconds(5)
        var options = PostgresSinkOptions(table: table, conflictKey: ["id"])
        adjust(&options, &configuration)
        return PostgresSink<Reading>(configuration: configuration, options: options)
    }

    @Test("1,000,000 rows through a job at parallelism 2 land once each; a replay updates them and adds none",
          .timeLimit(.minutes(10)))
    func millionRowsAndReplay() async throws {
        let n = 1_000_000
        try await TestDatabase.withTable("million", Reading.tableColumns) { table in
            for run in Int64(1)...2 {
                let sink = try Self.sink(table)
                let job = try Job("pg-million-\(run)") {
                    Source("gen", GeneratorSource(count: n) { Reading.generated($0, run: run) })
                    Sink("pg", sink)
                }
                let result = try await LocalExecutor().run(job, parallelism: 2)
                #expect(result.status == .finished, "\(result.failure ?? "")")
                let rate = Double(n) / (Double(max(result.durationMillis, 1)) / 1000)
                print("PostgresSink run \(run): \(n) rows in \(result.durationMillis) ms = \(Int(rate)) rows/s (debug build); \(sink.metrics.snapshot())")
                #expect(sink.metrics.recordsWritten.count == n)
                #expect(sink.rejectedCount == 0)

                let db = try TestDatabase.connect()
                defer { db.close() }
                let r = try db.query("SELECT count(*) AS rows, count(DISTINCT id) AS keys, min(run) AS lo, max(run) AS hi, "
                                     + "min(id) AS first, max(id) AS last, sum(value) AS total FROM \(table)")[row: 0]
                #expect(try r["rows"].int() == n)
                #expect(try r["keys"].int() == n)
                #expect(try r["lo"].int64() == run && r["hi"].int64() == run, "every row carries run \(run)'s values")
                #expect(try r["first"].int() == 0 && r["last"].int() == n - 1)
                let expectedTotal = (0..<n).reduce(0.0) { $0 + Double($1) * 0.5 + Double(run) }
                #expect(try abs((r["total"].double() ?? 0) - expectedTotal) < 1e-3 * expectedTotal / Double(n))
                let sample = try db.query("SELECT device, at FROM \(table) WHERE id = $1", [PostgresValue(123_456)])[row: 0]
                #expect(sample["device"].string() == "device-456")
                #expect(try sample["at"].timestampMillis() == 1_714_566_896_000 + 123_456)
            }
        }
    }

    @Test("rows the table refuses are skipped, counted and reported; the others land", .timeLimit(.minutes(2)))
    func badRowsAreSkipped() async throws {
        try await TestDatabase.withTable("bad", "id bigint PRIMARY KEY, device text NOT NULL, value double precision CHECK (value >= 0), "
                                         + "at timestamptz NOT NULL, run bigint NOT NULL") { table in
            let sink = try Self.sink(table) { options, _ in options.batchSize = 200; options.maxLoggedRejections = 3 }
            let job = try Job("pg-bad-rows") {
                Source("gen", GeneratorSource(count: 10_000) { i in
                    if i % 100 == 7 { return Reading(id: Int64(i), device: "d", value: -1, at: 0, run: 1) }          // CHECK fails
                    if i == 4242 { return Reading(id: Int64(i), device: "nul\u{0}byte", value: 1, at: 0, run: 1) }   // not storable
                    return Reading.generated(i, run: 1)
                })
                Sink("pg", sink)
            }
            let result = try await LocalExecutor().run(job, parallelism: 2)
            #expect(result.status == .finished, "\(result.failure ?? "")")
            #expect(sink.rejectedCount == 101)
            #expect(sink.metrics.snapshot()["numRecordsRejected"] == 101)
            // The same counts reach the job's metrics (and from there the REST API and Prometheus).
            #expect(result.metric("pg", "numRecordsRejected") == 101)
            #expect(result.metric("pg", "numRecordsSend") == 9_899)
            #expect(sink.metrics.recordsWritten.count == 9_899)
            #expect(try TestDatabase.scalar("SELECT count(*) FROM \(table)") == 9_899)
            #expect(try TestDatabase.scalar("SELECT count(*) FROM \(table) WHERE id % 100 = 7 OR id = 4242") == 0)
        }
    }

    @Test("repeated keys inside one batch collapse to the last record instead of breaking the upsert")
    func duplicateKeysInABatch() async throws {
        try await TestDatabase.withTable("dupes", Reading.tableColumns) { table in
            let sink = try Self.sink(table)
            let job = try Job("pg-dupes") {
                Source("gen", GeneratorSource(count: 10_000) { i in
                    Reading(id: Int64(i % 100), device: "d\(i)", value: Double(i), at: Int64(i), run: Int64(i))
                })
                Sink("pg", sink)
            }
            let result = try await LocalExecutor().run(job, parallelism: 1)
            #expect(result.status == .finished, "\(result.failure ?? "")")
            #expect(try TestDatabase.scalar("SELECT count(*) FROM \(table)") == 100)
            #expect(try TestDatabase.scalar("SELECT count(*) FROM \(table) WHERE run = id + 9900 AND device = 'd' || run") == 100)
            #expect(sink.metrics.recordsDeduplicated.count == 9_900)
            #expect(sink.rejectedCount == 0)
        }
    }

    @Test("a quiet stream's partial batch is written on the flush interval, not held until more rows come")
    func flushInterval() async throws {
        try await TestDatabase.withTable("tick", Reading.tableColumns) { table in
            let sink = try Self.sink(table) { options, _ in options.flushInterval = .milliseconds(200) }
            let job = try Job("pg-tick") {
                Source("rows", CollectionSource((0..<7).map { Reading.generated($0, run: 1) }, staysOpen: true))
                Sink("pg", sink)
            }
            let execution = try LocalExecutor().submit(job, parallelism: 1)
            let landed = try await eventually(within: 30) { try TestDatabase.scalar("SELECT count(*) FROM \(table)") == 7 }
            #expect(landed)
            #expect(execution.status == .running)
            execution.cancel()
            #expect(await execution.completion().status == .canceled)
        }
    }

    @Test("a database unreachable from the start fails the job, naming host:port, after the max retry duration")
    func unreachableAtStart() async throws {
        let port = unusedPort()
        let sink = try Self.sink("nowhere", url: "postgresql://postgres:not-logged@127.0.0.1:\(port)/highlights_test") { options, configuration in
            options.maxRetryDuration = .seconds(2)
            configuration.connectTimeout = .seconds(2)
        }
        let job = try Job("pg-unreachable") {
            Source("gen", GeneratorSource(count: 1000) { Reading.generated($0, run: 1) })
            Sink("pg", sink)
        }
        let start = Date()
        let result = try await LocalExecutor().run(job, parallelism: 2)
        let took = Date().timeIntervalSince(start)
        #expect(result.status == .failed)
        let failure = result.failure ?? ""
        #expect(failure.contains("127.0.0.1:\(port)"), "\(failure)")
        #expect(failure.contains("max retry duration 2.0 s"), "\(failure)")
        #expect(!failure.contains("not-logged"))
        #expect(took >= 1.9 && took < 20, "took \(took) s")
        print("unreachable database: job failed after \(String(format: "%.1f", took)) s: \(failure)")
        #expect(sink.metrics.retries.count > 0)
    }

    @Test("PostgreSQL stopped mid-stream and started again: the job finishes and every row lands exactly once",
          .timeLimit(.minutes(5)))
    func serverRestartMidStream() async throws {
        let server = PrivatePostgres()
        defer { server.destroy() }
        try server.start()
        let n = 300_000
        let table = TestDatabase.uniqueName("restart")
        let admin = try PostgresConnection(configuration: PostgresConfiguration(url: server.url))
        try admin.execute("CREATE TABLE \(table) (\(Reading.tableColumns))")
        admin.close()

        let sink = try Self.sink(table, url: server.url) { options, _ in options.maxRetryDuration = .seconds(60) }
        let job = try Job("pg-restart") {
            Source("gen", GeneratorSource(count: n) { Reading.generated($0, run: 1) })
            Sink("pg", sink)
        }
        let execution = try LocalExecutor().submit(job, parallelism: 2)
        // Let a good part land first, so the outage hits a running stream.
        let started = await eventually(within: 60) { sink.metrics.recordsWritten.count >= 30_000 }
        #expect(started)
        let before = sink.metrics.recordsWritten.count
        try server.stop()
        try await Task.sleep(for: .seconds(2))
        try server.start()
        let result = await execution.completion()
        #expect(before < n, "the job must still be running when the server stops")
        #expect(result.status == .finished, "\(result.failure ?? "")")
        #expect(sink.metrics.retries.count > 0, "the outage should have been noticed")

        let check = try PostgresConnection(configuration: PostgresConfiguration(url: server.url))
        defer { check.close() }
        let r = try check.query("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM \(table)")[row: 0]
        #expect(try r[0].int() == n && r[1].int() == n && r[2].int() == 0 && r[3].int() == n - 1)
    }
}
