import Logging
import ServiceLifecycle

/// Runs a server so that cancelling the caller's task shuts it down gracefully instead of cancelling it.
/// Hummingbird drops connections it accepted but has not started handling when its task is cancelled, and SwiftNIO
/// traps on those in debug builds ("Deinited NIOAsyncWriter without calling finish()"); a graceful shutdown closes
/// the listener and drains them. Inside a ServiceGroup, the group's graceful shutdown is passed on as well.
public func runCancellingGracefully<S: Service>(_ service: S, logger: Logger) async throws {
    let group = ServiceGroup(configuration: .init(services: [.init(service: service)], gracefulShutdownSignals: [],
                                                  cancellationSignals: [], logger: logger))
    let running = Task { try await group.run() }
    try await withTaskCancellationHandler {
        try await withGracefulShutdownHandler {
            try await running.value
        } onGracefulShutdown: {
            Task { await group.triggerGracefulShutdown() }
        }
    } onCancel: {
        Task { await group.triggerGracefulShutdown() }
    }
}
