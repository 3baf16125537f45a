import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// The whole fake: OAuth + Helix over HTTP and chat over IRC, playing one scenario on one clock. The IRC server
/// checks `PASS oauth:…` against the HTTP side's token store; IRC faults are switched over HTTP too:
/// `POST /_fake/irc/drop`, `POST /_fake/irc/reconnect?grace=SECONDS`, `POST /_fake/irc/silent?on=true|false`,
/// `GET /_fake/irc/state`.
public final class FakeTwitch: Service, Sendable {
    public let scenario: Scenario
    public let clock: ScenarioClock
    public let http: FakeTwitchHTTPServer
    public let irc: FakeIRCServer
    /// The IRC socket is bound once, by whichever of `run()` and `boundPorts()` comes first (two binds would race).
    private let ircBinding = Mutex<Task<Int, any Error>?>(nil)

    public init(scenario: Scenario, clock: ScenarioClock? = nil, http httpConfiguration: FakeTwitchConfiguration = .init(),
                irc ircConfiguration: FakeIRCConfiguration = .init(), logger: Logger = Logger(label: "twitch-fake")) {
        let clock = clock ?? ScenarioClock(speed: scenario.speed)
        self.scenario = scenario
        self.clock = clock
        let ircBox = IRCBox()
        http = FakeTwitchHTTPServer(scenario: scenario, clock: clock, configuration: httpConfiguration, logger: logger,
                                    extraRoutes: { router in ircBox.addRoutes(to: router) })
        let tokens = http
        irc = FakeIRCServer(scenario: scenario, clock: clock, configuration: ircConfiguration, logger: logger,
                            tokenValidator: { tokens.validateToken($0) })
        ircBox.server.withLock { $0 = irc }
    }

    /// Runs both servers until cancelled or gracefully shut down; either failing stops both.
    public func run() async throws {
        _ = try await bindIRC()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.http.run() }
            group.addTask { try await self.irc.run() }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Ports once bound: (HTTP, IRC).
    public func boundPorts() async throws -> (http: Int, irc: Int) {
        let ircPort = try await bindIRC()
        return (try await http.boundPort(), ircPort)
    }

    private func bindIRC() async throws -> Int {
        let task = ircBinding.withLock { binding in
            if let binding { return binding }
            let irc = self.irc
            let task = Task { try await irc.start() }
            binding = task
            return task
        }
        return try await task.value
    }
}

/// Lets the HTTP routes reach the IRC server, which is created after them (it needs the HTTP side's token store).
private final class IRCBox: Sendable {
    let server = Mutex<FakeIRCServer?>(nil)

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/_fake/irc/drop") { _, _ in
            self.server.withLock { $0 }?.dropAllConnections()
            return self.state()
        }
        router.post("/_fake/irc/reconnect") { request, _ in
            let grace = request.uri.queryParameters.get("grace").flatMap(Double.init) ?? 2
            self.server.withLock { $0 }?.sendReconnect(grace: .milliseconds(Int64(grace * 1000)))
            return self.state()
        }
        router.post("/_fake/irc/silent") { request, _ in
            let on = request.uri.queryParameters.get("on").map { $0 == "true" || $0 == "1" } ?? true
            self.server.withLock { $0 }?.setSilent(on)
            return self.state()
        }
        router.get("/_fake/irc/state") { _, _ in self.state() }
    }

    private func state() -> Response {
        guard let server = server.withLock({ $0 }) else { return FakeHTTPResponse.error(.serviceUnavailable, "IRC not started") }
        let s = server.statistics
        return FakeHTTPResponse.json(.ok, [
            "port": server.port as Any, "connections": server.connectionCount, "silent": server.isSilent,
            "chat_lines_sent": s.chatLinesSent, "chat_lines_dropped_for_slow_readers": s.chatLinesDroppedForSlowReaders,
            "pings_sent": s.pingsSent, "connections_dropped_for_missing_pong": s.connectionsDroppedForMissingPong,
            "joins_over_limit": s.joinsOverLimit, "connections_accepted": s.connectionsAccepted,
        ])
    }
}
