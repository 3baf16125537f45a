import Foundation

/// Helix's view of the scenario at a moment: who is live, with which stream, and the users.
struct HelixLiveView: Sendable {
    let scenario: Scenario
    let clock: ScenarioClock
    /// Wall time of scenario time 0.
    let scenarioStart: Date
    let bot: (id: String, login: String)

    struct LiveStream: Sendable {
        var channel: Scenario.Channel
        var streamID: String
        var startedAt: Date
        var viewerCount: Int
        var gameID: String
        /// Seconds since the stream started (scenario time).
        var age: Double
    }

    /// Deterministic per seed, channel and span index: a restart (next span) is a new stream id.
    func streamID(channel: Scenario.Channel, spanIndex: Int) -> String {
        let hash = FakeHTTPRandom.stableHash("\(scenario.seed)/\(channel.id)/\(spanIndex)")
        return String(40_000_000_000 + hash % 10_000_000_000)
    }

    static func gameID(_ game: String?) -> String {
        guard let game, !game.isEmpty else { return "" }
        return String(100_000 + FakeHTTPRandom.stableHash(game.lowercased()) % 900_000)
    }

    func live(_ channel: Scenario.Channel, at t: Double) -> LiveStream? {
        guard let (index, span) = channel.liveSpan(at: t) else { return nil }
        let startedAt = scenarioStart.addingTimeInterval(span.from / clock.speed)
        // Viewers drift a little over the stream (deterministic), so pollers see counts change.
        let base = channel.viewers ?? 100
        let drift = Int(Double(base) * 0.05 * sin((t - span.from) / 60))
        return LiveStream(channel: channel, streamID: streamID(channel: channel, spanIndex: index), startedAt: startedAt,
                          viewerCount: max(0, base + drift), gameID: Self.gameID(channel.game), age: t - span.from)
    }

    func liveStreams() -> [LiveStream] {
        let t = clock.now
        return scenario.channels.compactMap { live($0, at: t) }
    }

    func stream(broadcasterID: String) -> LiveStream? {
        scenario.channel(id: broadcasterID).flatMap { live($0, at: clock.now) }
    }

    struct User: Sendable {
        var id: String
        var login: String
        var displayName: String
        var broadcasterType: String
    }

    var users: [User] {
        scenario.channels.map { User(id: $0.id, login: $0.login, displayName: $0.displayName, broadcasterType: "partner") }
            + [User(id: bot.id, login: bot.login, displayName: bot.login, broadcasterType: "")]
    }
}
