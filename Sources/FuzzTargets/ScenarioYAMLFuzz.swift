import TwitchFake

/// The Twitch fake's scenario YAML (`Scenario.load(yaml:)`: parse and validate). An accepted scenario is then
/// played as the fake plays it: each channel's liveness and chat generator asked for the messages due at a few
/// instants (capped per tick, as the fake caps them).
public enum ScenarioYAMLFuzz: FuzzTarget {
    public static let name = "scenario-yaml"

    public static func run(_ data: UnsafeRawBufferPointer) {
        guard let scenario = try? Scenario.load(yaml: data.text) else { return }
        var generator = ChatGenerator(scenario: scenario, usersPerChannel: 4)
        for t in [0.0, 1.5, 60, 3600] {
            for channel in scenario.channels { _ = channel.liveSpan(at: t) }
            _ = generator.messages(through: t, limitPerChannel: 50)
        }
    }
}
