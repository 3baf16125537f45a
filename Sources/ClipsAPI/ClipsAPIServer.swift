import Hummingbird
import Observability
import Logging
import NIOCore
import PostgresConnector
import ServiceLifecycle
import Synchronization

/// `highlights api` as a `Service`: the HTTP server and its connection pool. Stops on graceful shutdown (SIGTERM)
/// and closes the pool on the way out.
public struct ClipsAPIServer: Service {
    public let configuration: ClipsAPIConfiguration
    private let pool: PostgresConnectionPool
    private let logger: Logger
    private let port = BoundPort()

    public init(configuration: ClipsAPIConfiguration, logger: Logger = Logger(label: "highlights.api")) {
        self.configuration = configuration
        var postgres = configuration.postgres
        postgres.acquireTimeout = configuration.acquireTimeout
        self.pool = PostgresConnectionPool(configuration: postgres)
        self.logger = logger
    }

    /// The port the server listens on, once it does (useful with port 0).
    public func boundPort() async throws -> Int { try await port.value() }

    public func run() async throws {
        let store = ClipStore(pool: pool)
        defer { store.close(); pool.close() }
        let routes = ClipsAPIRoutes(store: store, configuration: configuration, logger: logger)
        let port = self.port
        let logger = self.logger
        let app = Application(
            router: routes.buildRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil, reuseAddress: true),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                port.set(.success(bound))
                logger.info("clips API listening", metadata: ["port": "\(bound)", "database": "\(configuration.postgres)"])
            },
            logger: logger)
        do {
            try await runCancellingGracefully(app, logger: logger)
        } catch {
            port.set(.failure(error))
            throw error
        }
        port.set(.failure(CancellationError()))
    }
}

/// The bound port, awaited by whoever needs it.
final class BoundPort: Sendable {
    private let state = Mutex<(Result<Int, Error>?, [CheckedContinuation<Int, Error>])>((nil, []))

    func set(_ result: Result<Int, Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, Error>] in
            guard state.0 == nil else { return [] }
            state.0 = result
            defer { state.1 = [] }
            return state.1
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<Int, Error>? in
                if let result = state.0 { return result }
                state.1.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
