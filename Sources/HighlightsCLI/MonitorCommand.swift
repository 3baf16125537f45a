import ArgumentParser

struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "monitor", abstract: "The stream monitoring service.")

    func run() async throws {
        throw ValidationError("highlights monitor is not built yet")
    }
}
