import Testing
@testable import TwitchFake

@Suite("Chat generator")
struct ChatGeneratorTests {
    static let scenario = Scenario(seed: 42, channels: [
        .init(id: "1001", login: "alpha", name: "Alpha", live: [.init(from: 0, to: 60), .init(from: 80)],
              chat: .init(rate: 10, bursts: [.init(at: 20, duration: 5, rate: 200, text: "PogChamp")])),
        .init(id: "1002", login: "beta", live: [.init(from: 0)], chat: .init(rate: 3)),
    ])

    @Test func sameSeedSameChat() {
        var first = ChatGenerator(scenario: Self.scenario)
        var second = ChatGenerator(scenario: Self.scenario)
        // Different pulling paces must not change the sequence.
        var a: [GeneratedChatMessage] = []
        for t in stride(from: 0.5, through: 100, by: 0.5) { a += first.messages(through: t) }
        let b = second.messages(through: 100)
        #expect(a.count > 500)
        #expect(a.sorted(by: Self.order) == b.sorted(by: Self.order))
        #expect(Set(a.map(\.messageID)).count == a.count)

        var otherSeed = Self.scenario
        otherSeed.seed = 43
        var third = ChatGenerator(scenario: otherSeed)
        #expect(third.messages(through: 100).map(\.text) != b.map(\.text))
    }

    static func order(_ x: GeneratedChatMessage, _ y: GeneratedChatMessage) -> Bool {
        (x.channelLogin, x.offset) < (y.channelLogin, y.offset)
    }

    @Test func burstsRaiseTheRateAndCarryTheirText() {
        var generator = ChatGenerator(scenario: Self.scenario)
        let alpha = generator.messages(through: 60).filter { $0.channelLogin == "alpha" }
        let before = alpha.filter { $0.offset < 20 }
        let during = alpha.filter { $0.offset >= 20 && $0.offset < 25 }
        let after = alpha.filter { $0.offset >= 25 && $0.offset < 45 }
        let baseRate = Double(before.count) / 20, burstRate = Double(during.count) / 5
        #expect(baseRate > 5 && baseRate < 16, "baseline \(baseRate)/s for rate 10")
        #expect(burstRate > 150 && burstRate < 260, "burst \(burstRate)/s for 10 + 200")
        #expect(Double(after.count) / 20 < 16)
        let pog = during.filter { $0.text.hasPrefix("PogChamp") }.count
        #expect(Double(pog) / Double(during.count) > 0.85)
        #expect(during.first { $0.text == "PogChamp" }?.emotes == "305954156:0-7")
        #expect(during.first { $0.text == "PogChamp PogChamp" }?.emotes == "305954156:0-7,9-16")
    }

    @Test func chatFlowsOnlyWhileLive() {
        var generator = ChatGenerator(scenario: Self.scenario)
        let alpha = generator.messages(through: 120).filter { $0.channelLogin == "alpha" }
        #expect(!alpha.contains { $0.offset >= 60 && $0.offset < 80 })
        #expect(alpha.contains { $0.offset >= 80 })
        #expect(alpha.allSatisfy { $0.roomID == "1001" })
    }

    /// Found while writing the scenario-yaml fuzz target (Fuzz/Regressions/scenario-yaml/denormal-rate-hang.yaml):
    /// a rate whose waits overflow to infinity left the generator looping at time ∞, and the fake's chat driver hung.
    @Test func aVanishingRateEndsTheChatInsteadOfHanging() {
        let scenario = Scenario(channels: [.init(id: "1", login: "a", live: [.init(from: 0)], chat: .init(rate: 1e-320))])
        var generator = ChatGenerator(scenario: scenario)
        #expect(generator.messages(through: 1e9).isEmpty)
    }

    @Test func usersAreAStablePoolWithNumericIDs() {
        var generator = ChatGenerator(scenario: Self.scenario, usersPerChannel: 50)
        let messages = generator.messages(through: 100)
        let users = Dictionary(grouping: messages.map(\.user), by: \.id)
        #expect(users.count <= 100 && users.count > 20)
        for (id, same) in users {
            #expect(UInt64(id) != nil)
            #expect(Set(same.map(\.login)).count == 1 && Set(same.map(\.displayName)).count == 1)
        }
        #expect(messages.allSatisfy { $0.user.login == $0.user.login.lowercased() && !$0.user.displayName.isEmpty })
    }

    @Test func emoteIndicesCountCodePoints() {
        var generator = ChatGenerator(scenario: Self.scenario)
        let messages = generator.messages(through: 60)
        var checked = 0
        for message in messages where !message.emotes.isEmpty {
            let scalars = Array(message.text.unicodeScalars)
            for entry in message.emotes.split(separator: "/") {
                let parts = entry.split(separator: ":")
                for range in parts[1].split(separator: ",") {
                    let bounds = range.split(separator: "-").compactMap { Int($0) }
                    let word = String(String.UnicodeScalarView(scalars[bounds[0]...bounds[1]]))
                    #expect(ChatVocabulary.emotes[word] == String(parts[0]), "\(message.text) \(message.emotes)")
                    checked += 1
                }
            }
        }
        #expect(checked > 50)
    }
}
