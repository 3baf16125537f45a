import Foundation
import Testing
@testable import PostgresConnector

@Suite("PostgresConnection: parameterised statements against the real server")
struct PostgresConnectionTests {
    static let trickyStrings = [
        "", " ", "it's", "\"double\"", "back\\slash", "\\x41", "$1", "%s", "line\nbreak\ttab\r",
        "'); DROP TABLE students; --", "Grüße, naïve café", "日本語のテキスト", "emoji 🎬✂️👩🏽‍💻", "\u{FEFF}bom", "zero\u{200B}width",
        String(repeating: "long ", count: 20_000),
    ]

    @Test("tricky strings travel unchanged, and the injection attempt stays a string")
    func trickyStringRoundTrip() async throws {
        try await TestDatabase.withTable("strings", "id int primary key, s text not null") { table in
            let db = try TestDatabase.connect()
            defer { db.close() }
            for (i, s) in Self.trickyStrings.enumerated() {
                #expect(try db.execute("INSERT INTO \(table) (id, s) VALUES ($1, $2)", [PostgresValue(i), .text(s)]) == 1)
            }
            let rows = try db.query("SELECT id, s, length(s) AS n FROM \(table) ORDER BY id")
            #expect(rows.rowCount == Self.trickyStrings.count)
            for row in rows.rows {
                let i = try #require(try row["id"].int())
                #expect(row["s"].string() == Self.trickyStrings[i])
                #expect(try row["n"].int() == Self.trickyStrings[i].unicodeScalars.count)
            }
            // The statement text is fixed; a parameter is only ever a value.
            let echoed = try db.query("SELECT $1::text AS v", [.text("'); DROP TABLE students; --")])
            #expect(echoed[row: 0]["v"].string() == "'); DROP TABLE students; --")
        }
    }

    @Test("a text with a NUL character is refused before it is sent, as a data error")
    func nulRefused() throws {
        let db = try TestDatabase.connect()
        defer { db.close() }
        let error = #expect(throws: PostgresError.self) { try db.query("SELECT $1::text", [.text("a\u{0}b")]) }
        #expect(error?.kind == .data && error?.sqlState == "22021")
        #expect(try db.query("SELECT 1").rowCount == 1)   // the session is fine
    }

    @Test("NULLs of every type, and typed readers returning nil for them")
    func nulls() throws {
        let db = try TestDatabase.connect()
        defer { db.close() }
        let r = try db.query("SELECT $1::text AS t, $2::bigint AS i, $3::float8 AS d, $4::bool AS b, $5::timestamptz AS ts, $6::bytea AS x",
                             [nil, PostgresValue(nil as Int64?), PostgresValue(nil as Double?), PostgresValue(nil as Bool?), .timestamp(nil), .null])
        let row = r[row: 0]
        for column in ["t", "i", "d", "b", "ts", "x"] { #expect(row[column].isNull, "\(column)") }
        #expect(row["t"].string() == nil)
        #expect(try row["i"].int64() == nil)
        #expect(try row["d"].double() == nil)
        #expect(try row["b"].bool() == nil)
        #expect(try row["ts"].timestampMillis() == nil)
        #expect(try row["x"].bytes() == nil)
    }

    @Test("int64 values up to the limits round trip",
          arguments: [Int64.min, Int64.min + 1, -1, 0, 1, Int64(Int32.max) + 1, Int64.max])
    func integers(_ v: Int64) throws {
        let db = try TestDatabase.connect()
        defer { db.close() }
        let r = try db.query("SELECT $1::bigint AS v, $1::bigint = $2::numeric AS same", [.int64(v), .text(String(v))])
        #expect(try r[row: 0]["v"].int64() == v)
        #expect(try r[row: 0]["same"].bool() == true)
    }

    @Test("doubles, booleans and bytes round trip")
    func otherTypes() throws {
        let db = try TestDatabase.connect()
        defer { db.close() }
        for d in [0.0, -0.0, 1.5, -2.25e-300, 1.7976931348623157e308, .leastNonzeroMagnitude, 0.1 + 0.2, .infinity, -.infinity] {
            #expect(try db.query("SELECT $1 AS v", [.double(d)])[row: 0]["v"].double() == d, "\(d)")
        }
        #expect(try db.query("SELECT $1 AS v", [.double(.nan)])[row: 0]["v"].double()?.isNaN == true)
        #expect(try db.query("SELECT $1 AND NOT $2 AS v", [true, false])[row: 0]["v"].bool() == true)
        let bytes: [UInt8] = [0, 1, 0x7f, 0x80, 0xff, 0x27, 0x5c]
        let r = try db.query("SELECT $1 AS v, length($1) AS n", [.bytes(bytes)])
        #expect(try r[row: 0]["v"].bytes() == bytes)
        #expect(try r[row: 0]["n"].int() == bytes.count)
    }

    @Test("timestamps from epoch ms land as the right instant and read back exactly", arguments: [
        Int64(0), 1_714_566_896_789, -1, -86_400_001, 4_102_444_800_000, -62_135_596_800_000,
    ])
    func timestamps(_ ms: Int64) throws {
        let db = try TestDatabase.connect()
        defer { db.close() }
        let r = try db.query("SELECT $1 AS ts, (extract(epoch FROM $1) * 1000)::bigint AS ms", [.timestamp(epochMillis: ms)])
        #expect(try r[row: 0]["ts"].timestampMillis() == ms)
        #expect(try r[row: 0]["ms"].int64() == ms)
    }

    @Test("errors carry SQLSTATE and say whether the data, the statement or the connection is at fault")
    func errorKinds() async throws {
        try await TestDatabase.withTable("errors", "id int primary key, n int check (n >= 0)") { table in
            let db = try TestDatabase.connect()
            defer { db.close() }
            try db.execute("INSERT INTO \(table) VALUES ($1, $2)", [1, 1])
            let duplicate = #expect(throws: PostgresError.self) { try db.execute("INSERT INTO \(table) VALUES ($1, $2)", [1, 1]) }
            #expect(duplicate?.sqlState == "23505" && duplicate?.kind == .data)
            #expect(duplicate?.detail?.contains("already exists") == true)
            let check = #expect(throws: PostgresError.self) { try db.execute("INSERT INTO \(table) VALUES ($1, $2)", [2, -1]) }
            #expect(check?.sqlState == "23514" && check?.isDataError == true)
            let badNumber = #expect(throws: PostgresError.self) { try db.execute("INSERT INTO \(table) VALUES ($1, $2)", [3, "three"]) }
            #expect(badNumber?.sqlState == "22P02" && badNumber?.kind == .data)
            let syntax = #expect(throws: PostgresError.self) { try db.query("SELEC 1") }
            #expect(syntax?.sqlState == "42601" && syntax?.kind == .statement)
            let missing = #expect(throws: PostgresError.self) { try db.query("SELECT * FROM \(table)_nope") }
            #expect(missing?.sqlState == "42P01" && missing?.isRetryable == false)

            // The server ends the session: a connection error, and the connection knows it is dead.
            let victim = try TestDatabase.connect()
            #expect(try db.query("SELECT pg_terminate_backend($1::int, 5000) AS ok", [PostgresValue(victim.backendPID)])[row: 0]["ok"].bool() == true)
            let lost = #expect(throws: PostgresError.self) { try victim.query("SELECT 1") }
            #expect(lost?.kind == .connection && lost?.isRetryable == true, "\(String(describing: lost))")
            #expect(!victim.isConnected)
        }
    }

    @Test("a transaction commits as a whole or not at all")
    func transactions() async throws {
        try await TestDatabase.withTable("tx", "id int primary key") { table in
            let db = try TestDatabase.connect()
            defer { db.close() }
            try db.transaction { tx in
                try tx.execute("INSERT INTO \(table) VALUES ($1)", [1])
                try tx.execute("INSERT INTO \(table) VALUES ($1)", [2])
            }
            #expect(throws: PostgresError.self) {
                try db.transaction { tx in
                    try tx.execute("INSERT INTO \(table) VALUES ($1)", [3])
                    try tx.execute("INSERT INTO \(table) VALUES ($1)", [1])   // duplicate: all of it rolls back
                }
            }
            #expect(try db.query("SELECT count(*) FROM \(table)")[row: 0][0].int64() == 2)
        }
    }

    @Test("nothing listening: a connection error naming host and port")
    func unreachable() throws {
        let port = unusedPort()
        var configuration = try TestDatabase.configuration()
        configuration.host = "127.0.0.1"
        configuration.port = port
        configuration.password = "never-shown"
        let error = #expect(throws: PostgresError.self) { try PostgresConnection(configuration: configuration) }
        #expect(error?.kind == .connection)
        #expect(error?.message.contains("127.0.0.1:\(port)") == true, "\(String(describing: error))")
        #expect(error?.description.contains("never-shown") == false)
    }
}
