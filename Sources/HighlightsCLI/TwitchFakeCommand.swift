import ArgumentParser

struct TwitchFakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "twitch-fake", abstract: "A faithful Twitch (OAuth, Helix, IRC chat) playing a scenario.")

    func run() async throws {
        throw ValidationError("highlights twitch-fake is not built yet")
    }
}
