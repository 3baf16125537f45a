import ArgumentParser

struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "api", abstract: "The clips API and web frontend.")

    func run() async throws {
        throw ValidationError("highlights api is not built yet")
    }
}
