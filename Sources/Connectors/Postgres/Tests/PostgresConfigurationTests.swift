import Foundation
import Testing
@testable import PostgresConnector

@Suite("PostgresConfiguration: URLs, environment, secrets")
struct PostgresConfigurationTests {
    @Test("a full URL sets every part, decodes escapes and passes unknown keys to libpq")
    func fullURL() throws {
        let c = try PostgresConfiguration(url: "postgresql://app%40corp:p%3Ass%2Fw@db.example:6543/high%20lights?sslmode=require&connect_timeout=7&application_name=clips")
        #expect(c.user == "app@corp")
        #expect(c.password == "p:ss/w")
        #expect(c.host == "db.example")
        #expect(c.port == 6543)
        #expect(c.database == "high lights")
        #expect(c.connectTimeout == .seconds(7))
        #expect(c.applicationName == "clips")
        #expect(c.parameters == ["sslmode": "require"])
    }

    @Test("defaults: port 5432, database named after the user, pool 2...10, timeouts 30 s / 600 s")
    func defaults() throws {
        let c = try PostgresConfiguration(url: "postgres://alice@localhost")
        #expect(c.port == 5432)
        #expect(c.database == "alice")
        #expect(c.password == nil)
        #expect(c.minConnections == 2 && c.maxConnections == 10)
        #expect(c.connectTimeout == .seconds(30) && c.idleTimeout == .seconds(600))
    }

    @Test("an IPv6 literal host")
    func ipv6() throws {
        let c = try PostgresConfiguration(url: "postgresql://u@[::1]:55432/db")
        #expect(c.host == "::1" && c.port == 55432)
        #expect(c.endpoint == "[::1]:55432")
    }

    @Test("bad URLs are refused with a message that hides the password", arguments: [
        "mysql://u:secret@h/db", "postgresql://u:secret@h:notaport/db", "postgresql://u:secret@h:70000/db", "u:secret@h/db",
        "jdbc:postgresql://h:notaport/db?user=u&password=secret",
    ])
    func badURL(_ url: String) {
        let error = #expect(throws: PostgresError.self) { try PostgresConfiguration(url: url) }
        #expect(error?.kind == .configuration)
        #expect(!(error?.description.contains("secret") ?? true))
    }

    @Test("the seed's environment: POSTGRES_URL, then POSTGRES_USER and POSTGRES_PASSWORD override")
    func environment() throws {
        let c = try PostgresConfiguration.fromEnvironment([
            "POSTGRES_URL": "postgresql://ignored:ignored@pg:5433/highlights", "POSTGRES_USER": "svc", "POSTGRES_PASSWORD": "s3cret",
        ])
        #expect(c.user == "svc" && c.password == "s3cret" && c.host == "pg" && c.port == 5433 && c.database == "highlights")
        let fallback = try PostgresConfiguration.fromEnvironment([:])
        #expect(fallback.description == "postgresql://postgres@localhost:5432/highlights")
    }

    @Test("the seed's JDBC URL, with its credentials as query parameters or from POSTGRES_USER / POSTGRES_PASSWORD")
    func jdbc() throws {
        let c = try PostgresConfiguration(url: "jdbc:postgresql://db:5432/highlights?user=svc&password=s%26cret&sslmode=disable")
        #expect(c.host == "db" && c.port == 5432 && c.database == "highlights")
        #expect(c.user == "svc" && c.password == "s&cret" && c.parameters == ["sslmode": "disable"])
        let seed = try PostgresConfiguration.fromEnvironment([
            "POSTGRES_URL": "jdbc:postgresql://postgres:5432/highlights", "POSTGRES_USER": "highlights", "POSTGRES_PASSWORD": "pw",
        ])
        #expect(seed.user == "highlights" && seed.password == "pw" && seed.host == "postgres" && seed.database == "highlights")
        let error = #expect(throws: PostgresError.self) { try PostgresConfiguration(url: "jdbc:mysql://u:secret@h/db") }
        #expect(!(error?.description.contains("secret") ?? true))
    }

    @Test("an explicit URL (a flag, a job parameter) takes POSTGRES_URL's place; the credential variables still apply")
    func explicitURL() throws {
        let environment = ["POSTGRES_URL": "postgresql://a@elsewhere/x", "POSTGRES_USER": "svc", "POSTGRES_PASSWORD": "pw"]
        let c = try PostgresConfiguration.fromEnvironment(environment, url: "postgresql://127.0.0.1:55432/highlights")
        #expect(c.host == "127.0.0.1" && c.port == 55432 && c.user == "svc" && c.password == "pw")
        #expect(try PostgresConfiguration.fromEnvironment(environment, url: "").host == "elsewhere")
    }

    @Test("no password in description, debugDescription, dump or interpolation")
    func secretsStaySecret() throws {
        let c = try PostgresConfiguration(url: "postgresql://u:hunter2@h:1/db")
        var dumped = ""
        dump(c, to: &dumped)
        for text in [c.description, c.debugDescription, dumped, "\(c)", String(reflecting: c)] {
            #expect(!text.contains("hunter2"), "\(text)")
        }
        #expect(PostgresConfiguration.redacting("postgresql://u:hunter2@h/db") == "postgresql://u:***@h/db")
    }
}

@Suite("PostgreSQL text forms, statements and batches (no server)")
struct PostgresEncodingTests {
    @Test("timestamps format as ISO UTC and parse back, before 1970 and BC included", arguments: [
        Int64(0), 1, -1, 1_714_566_896_789, -86_400_000, 253_402_300_799_999, -62_135_596_800_000, -62_135_596_800_001,
    ])
    func timestampRoundTrip(_ ms: Int64) {
        let text = PostgresTimestamp.format(epochMillis: ms)
        #expect(PostgresTimestamp.parse(text) == ms, "\(text)")
    }

    @Test("timestamp text in the server's forms")
    func timestampForms() {
        #expect(PostgresTimestamp.format(epochMillis: 1_714_566_896_789) == "2024-05-01 12:34:56.789+00")
        #expect(PostgresTimestamp.format(epochMillis: -1) == "1969-12-31 23:59:59.999+00")
        #expect(PostgresTimestamp.format(epochMillis: -62_135_596_800_001) == "0001-12-31 23:59:59.999+00 BC")
        #expect(PostgresTimestamp.parse("2024-05-01 12:34:56+00") == 1_714_566_896_000)
        #expect(PostgresTimestamp.parse("2024-05-01 14:34:56.7891+02") == 1_714_566_896_789)
        #expect(PostgresTimestamp.parse("2024-05-01 07:04:56.789-05:30") == 1_714_566_896_789)
        #expect(PostgresTimestamp.parse("infinity") == .max)
        #expect(PostgresTimestamp.parse("yesterday") == nil)
    }

    @Test("an upsert statement quotes identifiers and updates every non-key column")
    func upsertSQL() throws {
        let s = try UpsertStatement(table: "public.Clips", columns: ["id", "we\"ird", "n"], conflictKey: ["id"])
        #expect(s.sql(rows: 2) == #"INSERT INTO "public"."Clips" ("id","we""ird","n") VALUES ($1,$2,$3),($4,$5,$6) ON CONFLICT ("id") DO UPDATE SET "we""ird" = EXCLUDED."we""ird", "n" = EXCLUDED."n""#)
        let keyOnly = try UpsertStatement(table: "t", columns: ["a", "b"], conflictKey: ["a", "b"])
        #expect(keyOnly.sql(rows: 1) == #"INSERT INTO "t" ("a","b") VALUES ($1,$2) ON CONFLICT ("a","b") DO NOTHING"#)
        let plain = try UpsertStatement(table: "t", columns: ["a"], conflictKey: [])
        #expect(plain.sql(rows: 1) == #"INSERT INTO "t" ("a") VALUES ($1)"#)
        #expect(plain.maxRowsPerStatement == 65535)
        #expect(throws: PostgresError.self) { try UpsertStatement(table: "t", columns: ["a"], conflictKey: ["b"]) }
    }

    @Test("a batch keeps one row per key, the last one, in first-seen order")
    func lastWins() {
        var batch = PendingBatch(keyIndexes: [0], capacity: 4)
        batch.append([1, "a"]); batch.append([2, "b"]); batch.append([1, "c"]); batch.append([3, "d"]); batch.append([2, "e"])
        let (rows, replaced) = batch.take()
        #expect(rows == [[1, "c"], [2, "e"], [3, "d"]])
        #expect(replaced == 2)
        #expect(batch.isEmpty)
    }

    @Test("SQLSTATEs sort into what to do about them")
    func classification() {
        #expect(PostgresError.kind(sqlState: "23505", connectionAlive: true) == .data)
        #expect(PostgresError.kind(sqlState: "22P02", connectionAlive: true) == .data)
        #expect(PostgresError.kind(sqlState: "08006", connectionAlive: true) == .connection)
        #expect(PostgresError.kind(sqlState: "57P01", connectionAlive: true) == .connection)
        #expect(PostgresError.kind(sqlState: "40P01", connectionAlive: true) == .transient)
        #expect(PostgresError.kind(sqlState: "42P01", connectionAlive: true) == .statement)
        #expect(PostgresError.kind(sqlState: "23505", connectionAlive: false) == .connection)
        #expect(PostgresError.kind(sqlState: nil, connectionAlive: true) == .statement)
    }
}
