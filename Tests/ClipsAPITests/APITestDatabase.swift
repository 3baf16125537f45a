import ClipsAPI
import Foundation
import HTTPConnector
import PostgresConnector
import Testing

/// A private schema on the test server (POSTGRES_TEST_URL) with init.sql applied, a writable pool to seed it, and a
/// clips API on an ephemeral port reading it. Each test gets its own, so tests never see each other's rows.
final class APITestEnvironment: Sendable {
    static let url = ProcessInfo.processInfo.environment["POSTGRES_TEST_URL"]
        ?? "postgresql://postgres@127.0.0.1:55432/highlights_test"
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let schema: String
    let writer: PostgresConnectionPool
    let configuration: ClipsAPIConfiguration

    init() throws {
        schema = "api_test_\(UInt32.random(in: 0...UInt32.max))"
        var base: PostgresConfiguration
        do {
            base = try PostgresConfiguration(url: Self.url)
            let admin = try PostgresConnection(configuration: base)
            defer { admin.close() }
            try admin.execute("CREATE SCHEMA \(schema)")
        } catch {
            throw TestSetupError("PostgreSQL test database not reachable at \(Self.url) (POSTGRES_TEST_URL): \(error). "
                                 + "Run `eval \"$(scripts/servers.sh env)\"` with the servers started (scripts/servers.sh start).")
        }
        base.parameters["options"] = "-c search_path=\(schema)"
        base.maxConnections = 4
        writer = PostgresConnectionPool(configuration: base)
        let initSQL = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("infrastructure/postgres/init.sql"), encoding: .utf8)
        let statements = initSQL.split(separator: "\n")
            .map { line in line.range(of: "--").map { line[..<$0.lowerBound] } ?? line }
            .joined(separator: "\n").split(separator: ";")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        try writer.withConnection { connection in
            for statement in statements { try connection.execute(statement) }
        }
        var api = ClipsAPIConfiguration(postgres: base)
        api.host = "127.0.0.1"
        api.port = 0
        configuration = api
    }

    /// Drops the schema and closes the pool.
    func tearDown() {
        _ = try? writer.withConnection { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
        writer.close()
    }

    // MARK: - Seeding

    struct SeedClip: Sendable {
        var broadcasterID: String
        var login: String
        var createdAtMillis: Int64
        var status = "created"
        var messageCount: Int64 = 42
        var chatCounts: [Int64] = [3, 4, 5, 4, 3, 5, 4, 6, 5, 4, 42]
        var title: String? = nil
        var thumbnailURL: String? = nil
        var suffix = ""

        var anomalyID: String { "\(broadcasterID):\(createdAtMillis)\(suffix)" }
    }

    func insert(_ clips: [SeedClip]) throws {
        try writer.withConnection { connection in
            for clip in clips {
                let clipID = clip.status == "created" ? "Clip\(clip.anomalyID.replacingOccurrences(of: ":", with: "_"))" : nil
                try connection.execute("""
                    INSERT INTO clips (anomaly_id, clip_id, broadcaster_id, broadcaster_login, status, attempts, window_start,
                        window_end, message_count, baseline_mean, baseline_stddev, baseline_samples, chat_counts, title, url,
                        embed_url, thumbnail_url, created_at)
                    VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, 4.3, 0.9, 10, $9::integer[], $10, $11, $12, $13, $14)
                    """, [.text(clip.anomalyID), PostgresValue(clipID), .text(clip.broadcasterID), .text(clip.login),
                          .text(clip.status), .timestamp(epochMillis: clip.createdAtMillis - 15_000),
                          .timestamp(epochMillis: clip.createdAtMillis - 10_000), .int64(clip.messageCount),
                          .text("{" + clip.chatCounts.map(String.init).joined(separator: ",") + "}"),
                          PostgresValue(clip.title ?? "Moment on \(clip.login)"),
                          PostgresValue(clipID.map { "https://clips.twitch.tv/\($0)" }),
                          PostgresValue(clipID.map { "https://clips.twitch.tv/embed?clip=\($0)" }),
                          PostgresValue(clip.thumbnailURL), .timestamp(epochMillis: clip.createdAtMillis)])
            }
        }
    }

    func insertStreamer(id: String, login: String, displayName: String) throws {
        try writer.withConnection {
            try $0.execute("INSERT INTO streamers (broadcaster_id, broadcaster_login, display_name) VALUES ($1, $2, $3)",
                           [.text(id), .text(login), .text(displayName)])
        }
    }

    // MARK: - Running the API

    /// Starts the API, runs `body` with its base URL, stops it and drops the schema.
    func withAPI<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        defer { tearDown() }
        let server = ClipsAPIServer(configuration: configuration)
        let task = Task { try await server.run() }
        defer { task.cancel() }
        let port = try await server.boundPort()
        let result = try await body("http://127.0.0.1:\(port)")
        task.cancel()
        _ = await task.result
        return result
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A small HTTP client for the tests (the project's libcurl connector).
enum TestHTTP {
    static let client: HTTPClient = try! HTTPClient()

    static func get(_ url: String, headers: HTTPHeaders = [:]) async throws -> HTTPResponse {
        try await client.execute(HTTPRequest(method: .get, url: url, headers: headers, timeout: .seconds(20)))
    }

    static func json(_ url: String) async throws -> (status: Int, body: [String: Any]) {
        let response = try await get(url)
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard let object else { throw TestSetupError("not a JSON object from \(url): \(response.text)") }
        return (response.status, object)
    }
}
