import Foundation
import HTTPConnector
import Prometheus
@testable import StreamMonitor
import Testing
import TwitchFake

/// Twitch failing under the monitor: every failed poll is counted and shown on /health; the liveness keys run out
/// (the seed's behaviour: no poll, no proof of life) and the channels come back online when Twitch does.
@Suite("Stream monitor under Twitch faults", .serialized)
struct MonitorFaultTests {
    @Test("Get Streams answering 500: counted in twitch_api_errors_total, /health degraded, then recovery")
    func twitchServerErrors() async throws {
        let scenario = Scenario(seed: 3, speed: 1, channels: [
            .init(id: "4001", login: "golf", live: [.init(from: 0)], chat: .init(rate: 1)),
            .init(id: "4002", login: "hotel", live: [.init(from: 0)], chat: .init(rate: 1)),
        ])
        let env = try await E2EEnvironment.make(scenario: scenario)
        defer { env.tearDown() }
        let monitor = try await env.startMonitor()
        try await waitUntil(within: .seconds(20), "both channels online") {
            (await monitor.service.tracker?.liveChannels.count ?? 0) == 2
        }

        // Every Helix answer is a 500 for a while: polls fail after the client's retries.
        env.http.updateFaults { $0.errorRate = 1 }
        try await waitUntil(within: .seconds(30), "a failed poll is counted and /health shows Twitch down") {
            env.registry.emitToString().contains("twitch_api_errors_total{endpoint=\"get_streams\",kind=\"server\"}")
                && monitor.service.health.state(.twitch).up == false
        }
        // Each failed poll is one error in one series: nothing under the monitor's former `endpoint="streams"`.
        #expect(!env.registry.emitToString().contains("twitch_api_errors_total{endpoint=\"streams\"}"))
        let degraded = monitor.service.health.json()
        #expect(degraded.contains("\"status\":\"degraded\""))
        #expect(degraded.contains("Get Streams failed"))
        // No poll refreshes the keys: they expire and the channels go offline, as in the seed.
        try await waitUntil(within: .seconds(30), "channels offline while Twitch is down") {
            (await monitor.service.tracker?.liveChannels.isEmpty ?? false)
        }

        env.http.updateFaults { $0.errorRate = 0 }
        try await waitUntil(within: .seconds(30), "recovery: channels online, Twitch up") {
            (await monitor.service.tracker?.liveChannels.count ?? 0) == 2 && monitor.service.health.state(.twitch).up == true
        }
        try await monitor.stop()
        let events = try await env.lifecycleEvents()
        #expect(events.filter { $0.type == "online" }.count == 4)
        #expect(events.filter { $0.type == "offline" }.count == 2)
    }
}
