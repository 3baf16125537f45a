import ArgumentParser

@main
struct HighlightsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "highlights",
        abstract: "The Twitch highlights system: stream monitor, clips API and a Twitch fake.",
        discussion: """
            Configuration comes from the seed's environment variables (KAFKA_BOOTSTRAP_SERVERS, POSTGRES_URL, \
            REDIS_URL, TWITCH_CLIENT_ID, …) and each command's flags; see `highlights help COMMAND`. The clip \
            detector itself is a Dataflow job: `dataflow run clip-detector`.
            """,
        subcommands: [TwitchFakeCommand.self, MonitorCommand.self, APICommand.self])
}
