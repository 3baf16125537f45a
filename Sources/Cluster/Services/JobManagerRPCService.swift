import Dataflow
import Foundation
import Logging
import Runtime
import ServiceLifecycle

/// The JobManager's RPC endpoint (`jobmanager.rpc.port`): TaskManagers connect, register their slots, and then
/// report heartbeats and task states on the same connection; deploy and cancel go back on it. A TaskManager whose
/// connection closes, or that stays silent for `heartbeat.timeout`, is lost: its jobs fail and restart.
public final class JobManagerRPCService: Service, @unchecked Sendable {
    public let jobManager: JobManager
    public let address: BoundAddress
    private let port: Int
    private let heartbeatTimeoutMillis: Int64
    private let logger: Logger

    public init(jobManager: JobManager, host: String, port: Int, logger: Logger) {
        self.jobManager = jobManager
        self.address = BoundAddress(host: host)
        self.port = port
        let timeout = jobManager.configuration[ClusterOptions.heartbeatTimeout]
        heartbeatTimeoutMillis = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        self.logger = logger
    }

    public func run() async throws {
        // Checked before binding: a JobManager reachable from other hosts without a secret does not start.
        let authentication = try jobManager.configuration.clusterAuthentication(bindHost: address.host, port: "JobManager RPC endpoint")
        if !authentication.isEnabled {
            logger.notice("Cluster authentication is off (no \(ClusterOptions.clusterSecret.key)); the RPC endpoint binds loopback only")
        }
        let listener: TCPListener
        do {
            listener = try TCPListener(host: address.host, port: port)
        } catch {
            let e = ServerBindError(name: "JobManager RPC endpoint", host: address.host, ports: port...port, underlying: error)
            address.fail(e)
            throw e
        }
        address.bind(port: listener.port)
        logger.info("JobManager RPC endpoint listening on \(address.host):\(listener.port)")
        startThread("rpc-accept") { [self] in
            while let socket = listener.accept() {
                startThread("rpc-connection") { [self] in serve(socket, authentication) }
            }
        }
        // Heartbeat watch: a TaskManager silent for longer than heartbeat.timeout is lost.
        let watch = Task { [self] in
            let period = max(20, min(1000, heartbeatTimeoutMillis / 4))
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(period))
                let now = WallClock.millis()
                for case let tm as RemoteTaskManager in jobManager.taskManagers where now - tm.lastHeard > heartbeatTimeoutMillis {
                    jobManager.taskManagerLost(tm.registration.id,
                                               reason: "no heartbeat for \(now - tm.lastHeard) ms (heartbeat.timeout \(heartbeatTimeoutMillis) ms)")
                }
            }
        }
        try? await gracefulShutdown()
        watch.cancel()
        listener.close()
    }

    private func serve(_ socket: FramedSocket, _ authentication: ClusterAuthentication) {
        let peer = socket.peerAddress
        do {
            try authentication.accept(socket, maxFrameLength: FramedSocket.maxControlFrame)
        } catch {
            socket.close()
            logger.warning("JobManager RPC endpoint refused a connection from \(peer): \(error)")
            return
        }
        var taskManager: RemoteTaskManager?
        var reason = "connection closed"
        do {
            while let frame = try socket.receive() {
                guard frame.kind == ControlMessage.frameKind else { throw NetworkError("unexpected frame kind \(frame.kind)") }
                switch try ControlMessage.parse(frame.payload) {
                case .register(let hello):
                    let registration = TaskManagerRegistration(id: hello.id, host: hello.host, dataPort: hello.dataPort, slots: hello.slots,
                                                               cpuCores: hello.cpuCores, physicalMemory: hello.physicalMemory,
                                                               registeredAt: WallClock.millis())
                    let tm = RemoteTaskManager(registration: registration, connection: socket)
                    taskManager = tm
                    jobManager.register(tm)
                    try tm.send(.registered(jobManager: "\(address.host)"))
                case let .heartbeat(timestamp, process):
                    taskManager?.received(heartbeat: TaskManagerHeartbeat(timestamp: max(timestamp, WallClock.millis()), process: process))
                case .taskState(let report):
                    taskManager?.received(report)
                case .registered, .deploy, .cancel, .stop:
                    throw NetworkError("a TaskManager sent a JobManager's message")
                }
            }
        } catch {
            reason = "\(error)"
            // A member speaking garbage (or an oversized frame) is dropped like a lost TaskManager, and said so.
            logger.warning("JobManager RPC endpoint closed the connection from \(peer): \(error)")
        }
        socket.close()
        if let tm = taskManager { jobManager.taskManagerLost(tm.registration.id, reason: "RPC connection closed (\(reason))") }
    }
}
