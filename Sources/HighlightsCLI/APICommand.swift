import ArgumentParser
import ClipsAPI
import Foundation
import Logging
import Observability
import ServiceLifecycle

/// `highlights api`: the clips API and the viewers' page on HTTP_PORT (default 5000).
struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api", abstract: "The clips API and web frontend.",
        discussion: "Reads POSTGRES_URL (+ POSTGRES_USER, POSTGRES_PASSWORD) and HTTP_PORT. Stops on SIGTERM or SIGINT.")

    @Option(name: .long, help: "Port to listen on (overrides HTTP_PORT; 0 picks a free port).")
    var port: Int?

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "0.0.0.0"

    @Option(name: .long, help: "How long identical clip queries share one rendered page, in milliseconds (0: off).")
    var cacheTTLMs: Int?

    func run() async throws {
        // JSON lines on stderr (LOG_LEVEL, LOG_FORMAT), with service "api" on each.
        let logger = Observability.bootstrapLogging(label: "api")
        var configuration = try ClipsAPIConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        if let port { configuration.port = port }
        configuration.host = host
        if let cacheTTLMs { configuration.pageCacheTTL = .milliseconds(max(0, cacheTTLMs)) }
        let server = ClipsAPIServer(configuration: configuration, logger: logger)
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
