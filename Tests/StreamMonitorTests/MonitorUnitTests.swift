import Dataflow
import Foundation
import Jobs
@testable import StreamMonitor
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite("Stream monitor: configuration, schema and message shapes")
struct MonitorUnitTests {
    @Test("the bundled schema is infrastructure/postgres/init.sql, split into its statements")
    func schemaMatchesInitSQL() throws {
        let file = try String(contentsOf: repositoryRoot.appendingPathComponent("infrastructure/postgres/init.sql"), encoding: .utf8)
        #expect(HighlightsSchema.sql == file.trimmingCharacters(in: .newlines))
        let statements = HighlightsSchema.statements()
        #expect(statements.count == 6)   // three tables, three indexes
        #expect(statements.allSatisfy { !$0.contains("--") && !$0.contains(";") })
        #expect(statements.first?.hasPrefix("CREATE TABLE IF NOT EXISTS streamers") == true)
    }

    @Test("the seed's environment variables and their checks")
    func environment() throws {
        let c = try MonitorConfiguration.fromEnvironment([
            "KAFKA_BOOTSTRAP_SERVERS": "k:1", "POSTGRES_URL": "postgresql://u@h/db", "REDIS_URL": "redis://r:2",
            "PROMETHEUS_PORT": "9200", "HEALTH_CHECK_PORT": "8181", "LOG_LEVEL": "DEBUG",
            "MONITOR_POLL_INTERVAL_SECONDS": "1.5", "MONITOR_LIVE_TTL_SECONDS": "4", "TRACKED_CHANNELS": "Alpha, beta,1003",
        ])
        #expect(c.postgresURL == "postgresql://u@h/db")
        #expect(c.redisURL == "redis://r:2")
        #expect(c.prometheusPort == 9200 && c.healthCheckPort == 8181)
        #expect(c.logLevel == "debug")
        #expect(c.pollInterval == .milliseconds(1500) && c.liveTTL == .seconds(4))
        #expect(c.trackedChannels == ["alpha", "beta", "1003"])
        try c.validate()
        let defaults = MonitorConfiguration()
        #expect(defaults.pollInterval == .seconds(120) && defaults.prometheusPort == 9100 && defaults.healthCheckPort == 8080)
        #expect(throws: MonitorConfigurationError.self) { try MonitorConfiguration.fromEnvironment(["PROMETHEUS_PORT": "http"]) }
        #expect(throws: MonitorConfigurationError.self) { try MonitorConfiguration.fromEnvironment(["MONITOR_POLL_INTERVAL_SECONDS": "-1"]) }
        var bad = MonitorConfiguration()
        bad.liveTTL = bad.pollInterval
        #expect(throws: MonitorConfigurationError.self) { try bad.validate() }
    }

    @Test("lifecycle events are DESIGN.md §7 JSON; chat keeps the replay job's JSON shape")
    func shapes() throws {
        var w = JSONWriter()
        LifecycleEvent(type: .online, broadcasterID: BroadcasterID("1001"), broadcasterLogin: "alpha", streamID: "s1",
                       title: "Morning \"stream\"", gameName: "Just Chatting", startedAt: "2026-01-01T00:00:00Z", ts: 1_767_225_600_000)
            .encode(json: &w)
        let object = try JSONSerialization.jsonObject(with: Data(w.bytes)) as? [String: Any]
        #expect(object?["type"] as? String == "online")
        #expect(object?["broadcaster_id"] as? String == "1001")
        #expect(object?["broadcaster_login"] as? String == "alpha")
        #expect(object?["stream_id"] as? String == "s1")
        #expect(object?["title"] as? String == "Morning \"stream\"")
        #expect(object?["game_name"] as? String == "Just Chatting")
        #expect(object?["started_at"] as? String == "2026-01-01T00:00:00Z")
        #expect((object?["ts"] as? NSNumber)?.int64Value == 1_767_225_600_000)
        #expect(Set(object?.keys.map { $0 } ?? []) == ["type", "broadcaster_id", "broadcaster_login", "stream_id", "title", "game_name", "started_at", "ts"])

        var offline = JSONWriter()
        LifecycleEvent(type: .offline, broadcasterID: BroadcasterID("1001"), broadcasterLogin: "alpha", ts: 5).encode(json: &offline)
        let o = try JSONSerialization.jsonObject(with: Data(offline.bytes)) as? [String: Any]
        #expect(o?["type"] as? String == "offline")
        #expect(o?["stream_id"] is NSNull)
    }

    @Test("health JSON names every dependency and is degraded until all are up")
    func healthJSON() throws {
        let health = DependencyHealth()
        #expect(!health.isHealthy)
        for d in DependencyHealth.Dependency.allCases { health.report(d, up: true, detail: "ok \"quoted\"\n") }
        #expect(health.isHealthy)
        health.report(.redis, up: false, detail: "connection refused")
        let object = try JSONSerialization.jsonObject(with: Data(health.json().utf8)) as? [String: Any]
        #expect(object?["status"] as? String == "degraded")
        let deps = object?["dependencies"] as? [String: [String: Any]]
        #expect(Set(deps?.keys.map { $0 } ?? []) == ["postgres", "redis", "kafka", "twitch"])
        #expect(deps?["redis"]?["status"] as? String == "down")
        #expect(deps?["redis"]?["detail"] as? String == "connection refused")
        #expect(deps?["kafka"]?["detail"] as? String == "ok \"quoted\"\n")
    }
}
