import Foundation
import Testing
import Twitch
@testable import TwitchFake

/// The chat client against the fake's IRC server on loopback.
@Suite("IRC client against the fake", .serialized)
struct IRCClientFakeTests {
    @Test func joinsAndReceivesTaggedMessages() async throws {
        let bed = try await IRCTestBed.start(IRCTestBed.scenario(channels: 2, rate: 60))
        let (client, recorder, task) = bed.startClient(bed.clientConfiguration(credentials: .oauth(login: "Reader", token: "good-token")),
                                                       joining: ["#CHAN0"])
        #expect(await eventually { recorder.count >= 40 }, "got \(recorder.count) messages")
        client.shutdown()
        _ = await task.value

        let messages = recorder.allMessages
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(recorder.allEvents.contains(.connected(nick: "reader")))
        #expect(recorder.allEvents.contains(.joined(channel: "chan0")))
        #expect(Set(messages.map(\.messageID)).count == messages.count)
        for message in messages {
            #expect(message.channel == "chan0" && message.roomID == "5001")  // only the joined channel
            #expect(isVersion4UUID(message.messageID), "\(message.messageID)")
            #expect(UInt64(message.userID) != nil && !message.userLogin.isEmpty && !message.displayName.isEmpty)
            #expect(!message.text.isEmpty)
            #expect(abs(message.sentAt - now) < 120_000)
        }
        // The same user always has the same id and display name.
        for (_, same) in Dictionary(grouping: messages, by: \.userLogin) {
            #expect(Set(same.map(\.userID)).count == 1 && Set(same.map(\.displayName)).count == 1)
        }
        await bed.stop()
    }

    /// Shutdown sends QUIT and reads until the server closes: every line the fake wrote before is delivered, none is
    /// left unread in the socket (the monitor's end-to-end count of chat sent vs. published depends on it).
    @Test func shutdownDeliversEveryLineSent() async throws {
        let bed = try await IRCTestBed.start(IRCTestBed.scenario(channels: 2, rate: 50_000))
        let (client, recorder, task) = bed.startClient(bed.clientConfiguration(), joining: ["chan0", "chan1"])
        #expect(await eventually { recorder.count >= 500 }, "got \(recorder.count) messages")
        client.shutdown()
        _ = await task.value
        #expect(recorder.count == bed.server.statistics.chatLinesSent,
                "received \(recorder.count), the fake sent \(bed.server.statistics.chatLinesSent)")
        await bed.stop()
    }

    /// Two runs with the same seed deliver the same messages (ids, users, texts), exactly what the generator says.
    @Test func sameSeedSameMessagesOverTheWire() async throws {
        let scenario = IRCTestBed.scenario(seed: 77, rate: 30, bursts: [.init(at: 3, duration: 1, rate: 100, text: "Kappa")])
        var runs: [[TwitchChatMessage]] = []
        for _ in 0..<2 {
            let clock = ScenarioClock.manual(at: 0)
            let bed = try await IRCTestBed.start(scenario, clock: clock)
            let (client, recorder, task) = bed.startClient(bed.clientConfiguration(), joining: ["chan0"])
            #expect(await eventually { recorder.allEvents.contains(.joined(channel: "chan0")) })
            clock.set(5)
            var expected = ChatGenerator(scenario: scenario)
            let want = expected.messages(through: 5)
            #expect(await eventually { recorder.count >= want.count }, "got \(recorder.count) of \(want.count)")
            try await Task.sleep(for: .milliseconds(200))
            client.shutdown()
            _ = await task.value
            let got = recorder.allMessages
            #expect(got.map(\.messageID) == want.map(\.messageID))
            #expect(got.map(\.text) == want.map(\.text))
            #expect(got.map(\.userID) == want.map(\.user.id))
            #expect(got.map(\.displayName) == want.map(\.user.displayName))
            runs.append(got)
            await bed.stop()
        }
        #expect(runs[0].count > 100)
        #expect(runs[0].map(\.messageID) == runs[1].map(\.messageID))
        #expect(runs[0].map(\.text) == runs[1].map(\.text))
    }

    @Test func burstsRaiseTheReceivedRate() async throws {
        let scenario = IRCTestBed.scenario(rate: 20, bursts: [.init(at: 10, duration: 2, rate: 300, text: "PogChamp")])
        let clock = ScenarioClock.manual(at: 0)
        let bed = try await IRCTestBed.start(scenario, clock: clock)
        let (client, recorder, task) = bed.startClient(bed.clientConfiguration(), joining: ["chan0"])
        #expect(await eventually { recorder.allEvents.contains(.joined(channel: "chan0")) })
        clock.set(10)
        #expect(await eventually { recorder.count > 100 })
        try await Task.sleep(for: .milliseconds(300))
        let baseline = recorder.count
        clock.set(12)
        #expect(await eventually { recorder.count - baseline > 400 })
        try await Task.sleep(for: .milliseconds(300))
        let burst = recorder.count - baseline
        client.shutdown()
        _ = await task.value
        let baselineRate = Double(baseline) / 10, burstRate = Double(burst) / 2
        #expect(burstRate > 5 * baselineRate, "baseline \(baselineRate)/s, burst \(burstRate)/s")
        #expect(recorder.allMessages.suffix(burst).filter { $0.text.hasPrefix("PogChamp") }.count > burst * 3 / 4)
        await bed.stop()
    }

    @Test func clientAnswersServerPingsAndStaysConnected() async throws {
        let configuration = FakeIRCConfiguration(pingInterval: .milliseconds(300), pongTimeout: .seconds(2))
        let bed = try await IRCTestBed.start(IRCTestBed.scenario(rate: 5), configuration: configuration)
        let (client, recorder, task) = bed.startClient(bed.clientConfiguration(), joining: ["chan0"])
        #expect(await eventually { bed.server.statistics.pingsSent >= 4 })
        try await Task.sleep(for: .seconds(1))
        client.shutdown()
        _ = await task.value
        let stats = bed.server.statistics
        #expect(stats.connectionsDroppedForMissingPong == 0)
        #expect(client.statistics.reconnects == 0)
        #expect(recorder.count(where: { if case .reconnecting = $0 { true } else { false } }) == 0)
        await bed.stop()
    }

    @Test func reconnectMessageLeadsToRejoinWithoutDuplicates() async throws {
        let bed = try await IRCTestBed.start(IRCTestBed.scenario(rate: 200))
        let (client, recorder, task) = bed.startClient(bed.clientConfiguration(), joining: ["chan0", "chan0"])
        #expect(await eventually { recorder.count > 100 })
        bed.server.sendReconnect(grace: .seconds(1))
        #expect(await eventually { recorder.count(where: { $0 == .joined(channel: "chan0") }) == 2 })
        let afterRejoin = recorder.count
        #expect(await eventually { recorder.count > afterRejoin + 200 })
        client.shutdown()
        _ = await task.value
        let ids = recorder.allMessages.map(\.messageID)
        #expect(Set(ids).count == ids.count, "\(ids.count - Set(ids).count) duplicates delivered")
        #expect(client.statistics.reconnects == 1)
        #expect(recorder.allEvents.contains { if case .reconnecting(_, .zero, let reason) = $0 { reason.contains("RECONNECT") } else { false } })
        await bed.stop()
    }

    @Test func droppedConnectionReconnectsAfterBackoff() async throws {
        let bed = try await IRCTestBed.start(IRCTestBed.scenario(rate: 50))
        var configuration = bed.clientConfiguration()
        configuration.reconnectBackoff = [.milliseconds(400), .seconds(1)]
        let (client, recorder, task) = bed.startClient(configuration, joining: ["chan0"])
        #expect(await eventually { recorder.count > 10 })
        let dropped = ContinuousClock.now
        bed.server.dropAllConnections()
        #expect(await eventually { recorder.count(where: { $0 == .joined(channel: "chan0") }) == 2 })
        let rejoined = recorder.events.withLock { $0.last { $0.1 == .joined(channel: "chan0") }!.0 }
        let before = recorder.count
        #expect(await eventually { recorder.count > before + 10 })
        client.shutdown()
        _ = await task.value
        #expect(rejoined - dropped >= .milliseconds(400))
        #expect(recorder.allEvents.contains(.reconnecting(attempt: 1, delay: .milliseconds(400), reason: "connection closed by the server")))
        await bed.stop()
    }

    @Test func backoffGrowsWhileTheServerIsDown() async throws {
        // A port with nothing listening: bind a fake, note its port, stop it.
        var port = 0
        let bed = try await IRCTestBed.start(IRCTestBed.scenario())
        port = bed.port
        await bed.stop()
        let configuration = IRCChatConfiguration(host: "127.0.0.1", port: port, useTLS: false,
                                                 reconnectBackoff: [.milliseconds(50), .milliseconds(100), .milliseconds(200)])
        let recorder = ChatRecorder()
        let client = IRCChatClient(configuration: configuration) { _ in }
        let task = Task { try await client.run() }
        var delays: [Duration] = []
        for await event in client.events {
            if case .reconnecting(_, let delay, _) = event { delays.append(delay) }
            if delays.count == 5 { break }
        }
        client.shutdown()
        _ = await task.result
        _ = recorder
        #expect(delays == [.milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(200), .milliseconds(200)])
    }

    @Test func silentServerMakesTheClientReconnect() async throws {
        let bed = try await IRCTestBed.start(IRCTestBed.scenario(rate: 50))
        var configuration = bed.clientConfiguration()
        configuration.silenceTimeout = .seconds(1)
        let (client, recorder, task) = bed.startClient(configuration, joining: ["chan0"])
        #expect(await eventually { recorder.count > 10 })
        bed.server.setSilent(true)
        #expect(await eventually {
            recorder.count(where: { if case .reconnecting(_, _, let reason) = $0 { reason.contains("silent") } else { false } }) >= 1
        })
        bed.server.setSilent(false)
        #expect(await eventually { recorder.count(where: { $0 == .joined(channel: "chan0") }) >= 2 })
        client.shutdown()
        _ = await task.value
        await bed.stop()
    }

    @Test(arguments: ["bad-token", "no-chat-scope"])
    func refusedTokenStopsWithAnAuthError(token: String) async throws {
        let bed = try await IRCTestBed.start(IRCTestBed.scenario())
        let (client, recorder, task) = bed.startClient(bed.clientConfiguration(credentials: .oauth(login: "reader", token: token)),
                                                  joining: ["chan0"])
        let result = await task.value
        #expect(throws: IRCChatError.authenticationFailed("Login authentication failed")) { try result.get() }
        #expect(await eventually { recorder.allEvents.contains(.authenticationFailed("Login authentication failed")) })
        #expect(client.statistics.reconnects == 0)  // no retry loop on a bad token
        await bed.stop()
    }

    @Test func joinRateLimitIsHonoured() async throws {
        // The fake counts JOINs over 3 per 0.8 s; the client allows 3 per second.
        let fake = FakeIRCConfiguration(joinLimit: 3, joinWindow: .milliseconds(800))
        let bed = try await IRCTestBed.start(IRCTestBed.scenario(channels: 7, rate: 1), configuration: fake)
        var configuration = bed.clientConfiguration()
        configuration.joinLimit = 3
        configuration.joinWindow = .seconds(1)
        let logins = (0..<7).map { "chan\($0)" }
        let (client, recorder, task) = bed.startClient(configuration, joining: logins)
        #expect(await eventually { recorder.count(where: { if case .joined = $0 { true } else { false } }) == 7 })
        client.shutdown()
        _ = await task.value
        let joins = recorder.events.withLock { $0.filter { if case .joined = $0.1 { true } else { false } }.map(\.0) }
        #expect(joins.last! - joins.first! >= .milliseconds(1800), "7 joins at 3/s need two waits")
        #expect(bed.server.statistics.joinsOverLimit == 0)
        #expect(Set(recorder.allEvents.compactMap { if case .joined(let c) = $0 { c } else { nil } }) == Set(logins))
        await bed.stop()
    }
}

/// `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`, lowercase hex.
func isVersion4UUID(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    guard bytes.count == 36 else { return false }
    for (index, byte) in bytes.enumerated() {
        if [8, 13, 18, 23].contains(index) {
            guard byte == UInt8(ascii: "-") else { return false }
        } else {
            guard (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) else { return false }
        }
    }
    return bytes[14] == UInt8(ascii: "4") && "89ab".utf8.contains(bytes[19])
}
