import Testing
@testable import TwitchFake

@Suite("Scenario YAML")
struct ScenarioParsingTests {
    @Test func parsesTheDocumentedFormat() throws {
        let scenario = try Scenario.load(yaml: """
            seed: 7
            speed: 2
            channels:
              - id: "1001"
                login: alpha
                name: Alpha
                game: Just Chatting
                title: Morning stream
                live: [{from: 0, to: 120}, {from: 150}]
                chat:
                  rate: 4
                  bursts:
                    - {at: 40, duration: 5, rate: 120, text: "PogChamp"}
            """)
        #expect(scenario.seed == 7 && scenario.speed == 2)
        let alpha = try #require(scenario.channel(login: "alpha"))
        #expect(alpha.live == [.init(from: 0, to: 120), .init(from: 150)])
        #expect(alpha.chat?.rate(at: 41) == 124)
        #expect(alpha.chat?.bursts.first?.text == "PogChamp")
    }

    @Test(arguments: [
        ("channels: [{id: \"1\", login: a, live: [], chat: {rate: -1}}]", "chat rate must be >= 0"),
        ("channels: [{id: abc, login: a, live: []}]", "id must be numeric"),
        ("channels: [{id: \"1\", login: Alpha, live: []}]", "login must be lowercase"),
        ("channels: [{id: \"1\", login: a, live: [{from: 10, to: 5}]}]", "ends (5.0) before it starts"),
        ("channels: [{id: \"1\", login: a, live: [], chat: {rate: 1, bursts: [{at: 1, duration: 0, rate: 5}]}}]", "positive duration"),
        ("channels: [{id: \"1\", login: a, live: []}, {id: \"1\", login: b, live: []}]", "appears twice"),
        ("channels: []", "at least one channel"),
        ("seed: 1", "does not parse"),
        ("channels: [{id: \"1\", login: a, live: [], chat: {bursts: []}}]", "does not parse"),
        ("speed: 0\nchannels: [{id: \"1\", login: a, live: []}]", "speed must be > 0"),
    ])
    func errorsAreClear(yaml: String, expected: String) {
        do {
            _ = try Scenario.load(yaml: yaml)
            Issue.record("accepted invalid scenario: \(yaml)")
        } catch {
            #expect("\(error)".contains(expected), "message was: \(error)")
        }
    }
}
