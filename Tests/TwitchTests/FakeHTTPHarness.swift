import Foundation
import HTTPConnector
import Testing
import Twitch
@testable import TwitchFake

/// A fake Twitch on a free loopback port for one test, and clients pointed at it.
struct FakeHTTPHarness {
    let server: FakeTwitchHTTPServer
    let clock: ScenarioClock
    let port: Int
    let runTask: Task<Void, any Error>

    var endpoints: TwitchEndpoints { .local(httpPort: port) }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    static let defaultScenario = Scenario(seed: 7, channels: [
        .init(id: "1001", login: "alpha", name: "Alpha", game: "Just Chatting", title: "Morning", viewers: 1200, live: [.init(from: 0)]),
        .init(id: "1002", login: "bravo", game: "Chess", viewers: 300, live: [.init(from: 0, to: 100), .init(from: 150)]),
        .init(id: "1003", login: "charlie", viewers: 50, live: [.init(from: 500)]),
    ])

    static func start(scenario: Scenario = defaultScenario, clock: ScenarioClock = .manual(at: 10),
                      configure: (inout FakeTwitchConfiguration) -> Void = { _ in }) async throws -> FakeHTTPHarness {
        var configuration = FakeTwitchConfiguration()
        configuration.clipProcessingDelay = 0.3...0.5
        configure(&configuration)
        let server = FakeTwitchHTTPServer(scenario: scenario, clock: clock, configuration: configuration)
        let task = Task { try await server.run() }
        let port = try await server.boundPort()
        return FakeHTTPHarness(server: server, clock: clock, port: port, runTask: task)
    }

    func stop() { runTask.cancel() }

    var credentials: TwitchCredentials {
        TwitchCredentials(clientID: server.configuration.clientID, clientSecret: server.configuration.clientSecret,
                          userRefreshToken: server.configuration.botRefreshToken)
    }

    /// A client with test-sized backoffs and windows.
    func client(credentials: TwitchCredentials? = nil,
                configure: (inout TwitchClientConfiguration) -> Void = { _ in }) throws -> HelixClient {
        var configuration = TwitchClientConfiguration()
        configuration.requestTimeout = .seconds(5)
        configuration.serverErrorBackoff = .milliseconds(20)
        configuration.clipPollInterval = .milliseconds(100)
        configuration.maxRateLimitWait = .seconds(5)
        configure(&configuration)
        return try HelixClient(endpoints: endpoints, credentials: credentials ?? self.credentials, configuration: configuration)
    }
}

/// Runs `body` against a fresh fake, stopping it afterwards whatever happens.
func withFakeTwitch(scenario: Scenario = FakeHTTPHarness.defaultScenario, clock: ScenarioClock = .manual(at: 10),
                    configure: (inout FakeTwitchConfiguration) -> Void = { _ in },
                    _ body: (FakeHTTPHarness) async throws -> Void) async throws {
    let harness = try await FakeHTTPHarness.start(scenario: scenario, clock: clock, configure: configure)
    defer { harness.stop() }
    try await body(harness)
}

func elapsed(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}
