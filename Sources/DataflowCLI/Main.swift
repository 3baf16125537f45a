import Observability

/// The entry point: logging is set up before any command runs, then the command line is parsed as usual.
/// Logs go to stderr (JSON unless stderr is a terminal or LOG_FORMAT=text); command output stays on stdout.
@main
enum DataflowMain {
    /// Process roles that get their own `service` name in the logs, so Loki tells the containers apart.
    static let roles: Set<String> = ["jobmanager", "taskmanager", "cluster"]

    static func main() async {
        let subcommand = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("-") }
        let service = subcommand.map { roles.contains($0) ? $0 : "dataflow" } ?? "dataflow"
        Observability.bootstrapLogging(label: service)
        ParentWatch.startIfRequested()
        await DataflowCommand.main()
    }
}
