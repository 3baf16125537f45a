import Foundation
import HTTPConnector
import Testing
import Twitch
@testable import TwitchFake

/// The assembled fake (`highlights twitch-fake`): IRC logins are checked against the HTTP side's OAuth tokens, and IRC
/// faults and thumbnails are reachable over HTTP.
@Suite("Twitch fake assembled: OAuth tokens log into IRC, control routes, thumbnails")
struct FakeTwitchAssemblyTests {
    static let scenario = Scenario(seed: 3, channels: [
        .init(id: "7001", login: "alpha", name: "Alpha", game: "Chess", title: "Opening prep", live: [.init(from: 0)],
              chat: .init(rate: 50)),
    ])

    static func start(thumbnails: Bool = false) async throws -> (FakeTwitch, Task<Void, any Error>, Int, Int) {
        var http = FakeTwitchConfiguration()
        http.clipProcessingDelay = 0.1...0.2
        var irc = FakeIRCConfiguration()
        irc.port = 0
        let fake = FakeTwitch(scenario: scenario, http: http, irc: irc)
        let task = Task { try await fake.run() }
        let ports = try await fake.boundPorts()
        return (fake, task, ports.http, ports.irc)
    }

    @Test("a user token minted over OAuth logs into chat; a made-up one is refused")
    func oauthTokenLogsIntoIRC() async throws {
        let (fake, task, httpPort, ircPort) = try await Self.start()
        defer { task.cancel() }
        let http = try HTTPClient()
        let credentials = TwitchCredentials(clientID: fake.http.configuration.clientID, clientSecret: fake.http.configuration.clientSecret,
                                            userRefreshToken: fake.http.configuration.botRefreshToken)
        let auth = TwitchAuth(credentials: credentials, endpoints: .local(httpPort: httpPort, ircPort: ircPort), http: http)
        let token = try await auth.token(.user)

        let bed = IRCTestBed(server: fake.irc, port: ircPort, running: task)
        let (client, recorder, running) = bed.startClient(
            bed.clientConfiguration(credentials: .oauth(login: "highlightsbot", token: token)), joining: ["alpha"])
        defer { running.cancel() }
        #expect(await eventually(timeout: .seconds(15)) { recorder.messages.withLock { $0.count } >= 20 },
                "chat flows to a client logged in with the fake's own OAuth token")
        #expect(recorder.messages.withLock { $0.allSatisfy { $0.roomID == "7001" } })

        // IRC faults over HTTP: dropping every connection makes the client reconnect.
        let dropped = try await http.execute(HTTPRequest(method: .post, url: "http://127.0.0.1:\(httpPort)/_fake/irc/drop"))
        #expect(dropped.status == 200)
        #expect(await eventually(timeout: .seconds(15)) {
            recorder.count { if case .connected = $0 { true } else { false } } >= 2
        }, "the client connects again after the drop")
        let state = try await http.execute(HTTPRequest(method: .get, url: "http://127.0.0.1:\(httpPort)/_fake/irc/state"))
        let body = try #require(try JSONSerialization.jsonObject(with: Data(state.body)) as? [String: Any])
        #expect((body["connections_accepted"] as? Int ?? 0) >= 2)
        _ = client

        // A token the OAuth side never issued is refused at login.
        let (_, refused, refusedRun) = bed.startClient(
            bed.clientConfiguration(credentials: .oauth(login: "mallory", token: "not-a-token")), joining: ["alpha"])
        let outcome = await refusedRun.value
        guard case .failure(let error) = outcome else { Issue.record("a bad token must end the client with an error"); return }
        #expect("\(error)".contains("refused"), "got \(error)")
        #expect(refused.messages.withLock { $0.isEmpty })
    }

    @Test("clip thumbnails are served as SVG, unknown ones are 404")
    func thumbnails() async throws {
        let (fake, task, httpPort, _) = try await Self.start()
        defer { task.cancel() }
        let http = try HTTPClient()
        let credentials = TwitchCredentials(clientID: fake.http.configuration.clientID, clientSecret: fake.http.configuration.clientSecret,
                                            userRefreshToken: fake.http.configuration.botRefreshToken)
        let helix = try HelixClient(endpoints: .local(httpPort: httpPort), credentials: credentials)
        let created = try await helix.createClip(broadcasterID: "7001")
        let svg = try await http.execute(HTTPRequest(method: .get, url: "http://127.0.0.1:\(httpPort)/_fake/thumbnails/\(created.id).svg"))
        #expect(svg.status == 200)
        #expect(svg.headers["content-type"] == "image/svg+xml")
        #expect(svg.text.contains("<svg") && svg.text.contains("Alpha"))
        let missing = try await http.execute(HTTPRequest(method: .get, url: "http://127.0.0.1:\(httpPort)/_fake/thumbnails/nope.svg"))
        #expect(missing.status == 404)
    }
}
