import Hummingbird
import Observability
import Logging
import ServiceLifecycle
import Synchronization

/// A Hummingbird server as a service: binds the first free port of `ports` (Flink's port ranges, `9249-9260`),
/// reports it through `address`, and stops on graceful shutdown.
public struct HTTPServerService: Service {
    public let name: String
    public let address: BoundAddress
    private let ports: ClosedRange<Int>
    private let responder: RouterResponder<BasicRequestContext>
    private let logger: Logger

    public init(name: String, host: String, ports: ClosedRange<Int>, router: Router<BasicRequestContext>, logger: Logger) {
        self.name = name
        self.address = BoundAddress(host: host)
        self.ports = ports
        self.responder = router.buildResponder()
        self.logger = logger
    }

    public func run() async throws {
        var lastError: Error?
        for port in ports {
            let started = StartFlag()
            let address = self.address
            let app = Application(
                responder: responder, configuration: .init(address: .hostname(address.host, port: port), serverName: nil, reuseAddress: true),
                onServerRunning: { channel in
                    started.set()
                    address.bind(port: channel.localAddress?.port ?? port)
                },
                logger: logger)
            do {
                try await runCancellingGracefully(app, logger: logger)
                return
            } catch {
                // A port in use is only fatal once the range is exhausted; a failure after binding is.
                if started.isSet { throw error }
                lastError = error
                logger.debug("\(name): cannot bind \(address.host):\(port): \(error)")
            }
        }
        let error = ServerBindError(name: name, host: address.host, ports: ports, underlying: lastError)
        address.fail(error)
        throw error
    }
}

public struct ServerBindError: Error, CustomStringConvertible {
    public let name: String
    public let host: String
    public let ports: ClosedRange<Int>
    public let underlying: Error?
    public var description: String {
        "the \(name) cannot listen on \(host):\(PortRange.render(ports))\(underlying.map { " (\($0))" } ?? "") — is another process using it?"
    }
}

private final class StartFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
