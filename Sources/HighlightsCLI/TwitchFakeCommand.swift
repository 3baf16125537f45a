import ArgumentParser
import Foundation
import Logging
import Observability
import ServiceLifecycle
import TwitchFake

/// `highlights twitch-fake`: OAuth + Helix on one port and IRC chat on another, playing a scenario.
struct TwitchFakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "twitch-fake", abstract: "A faithful Twitch (OAuth, Helix, IRC chat) playing a scenario.",
        discussion: """
            Clients differ from real Twitch only by base URL: TWITCH_API_BASE_URL=http://HOST:PORT/helix, \
            TWITCH_AUTH_BASE_URL=http://HOST:PORT/oauth2, TWITCH_IRC_URL=irc://HOST:IRCPORT (printed at start). \
            The scenario format is in Sources/TwitchFake/README.md. Faults are switched over HTTP: \
            POST /_fake/faults, POST /_fake/irc/drop|reconnect|silent; GET /_fake/state and /_fake/clips show the state.
            """)

    @Option(help: "The scenario YAML file.")
    var scenario: String = "configs/scenarios/demo.yaml"

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .customLong("http-port"), help: "Port for OAuth + Helix (0 picks a free one).")
    var httpPort: Int = 7700

    @Option(name: .customLong("irc-port"), help: "Port for IRC chat (0 picks a free one).")
    var ircPort: Int = 6667

    @Option(help: "Play the scenario this many times faster (overrides the file's speed).")
    var speed: Double?

    @Option(name: .customLong("clip-delay"), help: "Seconds before a created clip shows in Get Clips, as MIN-MAX.")
    var clipDelay: String = "2-5"

    @Option(name: .customLong("token-lifetime"), help: "Seconds a user access token lives.")
    var tokenLifetime: Double?

    func run() async throws {
        let logger = Observability.bootstrapLogging(label: "twitch-fake")
        var scenario = try Scenario.load(path: self.scenario)
        if let speed {
            guard speed > 0 else { throw ValidationError("--speed must be > 0") }
            scenario.speed = speed
        }
        let bounds = clipDelay.split(separator: "-").compactMap { Double($0) }
        guard bounds.count == 2, bounds[0] >= 0, bounds[0] <= bounds[1] else {
            throw ValidationError("--clip-delay must look like 2-5 (seconds, min-max), got \(clipDelay)")
        }
        var http = FakeTwitchConfiguration()
        http.host = host
        http.httpPort = httpPort
        http.clipProcessingDelay = bounds[0]...bounds[1]
        if let tokenLifetime { http.userTokenLifetime = tokenLifetime }
        if httpPort != 0 { http.thumbnailBaseURL = "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(httpPort)" }
        var irc = FakeIRCConfiguration()
        irc.host = host
        irc.port = ircPort
        let fake = FakeTwitch(scenario: scenario, http: http, irc: irc, logger: logger)
        let group = ServiceGroup(services: [fake], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        async let running: Void = group.run()
        let ports = try await fake.boundPorts()
        let shown = host == "0.0.0.0" ? "127.0.0.1" : host
        logger.info("Twitch fake ready", metadata: [
            "scenario": "\(self.scenario)", "channels": "\(scenario.channels.count)", "seed": "\(scenario.seed)",
            "speed": "\(scenario.speed)"])
        let banner = """
            twitch-fake: playing \(self.scenario) (\(scenario.channels.count) channels, seed \(scenario.seed), speed \(scenario.speed))
              TWITCH_API_BASE_URL=http://\(shown):\(ports.http)/helix
              TWITCH_AUTH_BASE_URL=http://\(shown):\(ports.http)/oauth2
              TWITCH_IRC_URL=irc://\(shown):\(ports.irc)
              TWITCH_CLIENT_ID=\(http.clientID) TWITCH_CLIENT_SECRET=\(http.clientSecret) TWITCH_USER_REFRESH_TOKEN=\(http.botRefreshToken)
            """
        FileHandle.standardOutput.write(Data((banner + "\n").utf8))   // unbuffered: scripts wait for it
        try await running
    }
}
