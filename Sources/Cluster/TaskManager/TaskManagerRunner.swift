import Dataflow
import Foundation
import Logging
import Runtime
import ServiceLifecycle
import Synchronization

/// A TaskManager process (`dataflow taskmanager`): registers its slots with the JobManager at
/// `jobmanager.rpc.address:jobmanager.rpc.port`, heartbeats, runs the subtasks deployed into its slots, exchanges
/// records with other TaskManagers through its data port, and reports task states and metrics.
public final class TaskManagerRunner: Service, @unchecked Sendable {
    public let id: TaskManagerID
    public let network: NetworkEnvironment
    private let authentication: ClusterAuthentication
    private let configuration: ClusterConfiguration
    private let resolver: JobResolver
    private let logger: Logger
    private let statistics = ProcessStatisticsSampler()
    /// Running job attempts by `jobID#attempt`.
    private let executions = Mutex<[String: (execution: JobExecution, attempt: Int, slotOwners: [String])]>([:])
    /// A cancel or stop that arrived before its attempt was deployed here.
    private let early = Mutex<[String: ControlMessage]>([:])
    private let connected = Mutex<FramedSocket?>(nil)
    /// Why the RPC connection ended, once it has.
    private let ended = Mutex<String?>(nil)

    /// This TaskManager's Prometheus endpoint: its process and the subtasks in its slots only.
    public let metrics: HTTPServerService

    public init(configuration: ClusterConfiguration, resolver: @escaping JobResolver, id: TaskManagerID = .random(), logger: Logger) throws {
        self.id = id
        self.configuration = configuration
        self.resolver = resolver
        self.logger = logger
        let host = configuration[ClusterOptions.taskManagerHost]
        authentication = try configuration.clusterAuthentication(bindHost: host, port: "TaskManager data port")
        if !authentication.isEnabled {
            logger.notice("Cluster authentication is off (no \(ClusterOptions.clusterSecret.key)); the data port binds loopback only")
        }
        network = try NetworkEnvironment(localID: id.description, host: host, port: configuration[ClusterOptions.dataPort],
                                         authentication: authentication) { [logger] in logger.warning("\($0)") }
        let runner = WeakRunner()
        let reporter = TaskManagerPrometheusReporter(id: id, host: network.host) { runner.value?.runningAttempts() ?? [] }
        metrics = HTTPServerService(name: "TaskManager Prometheus endpoint", host: configuration.prometheusBindAddress,
                                    ports: Self.prometheusPorts(configuration), router: PrometheusEndpoint.router { reporter.scrape() },
                                    logger: logger)
        runner.value = self
    }

    private final class WeakRunner: @unchecked Sendable { weak var value: TaskManagerRunner? }

    /// The attempts running here, each with the subtask indexes in this TaskManager's slots.
    private func runningAttempts() -> [TaskManagerPrometheusReporter.RunningAttempt] {
        let me = id.description
        return executions.withLock { all in
            all.values.map { e in
                let owners = e.slotOwners
                return .init(execution: e.execution, runsHere: { $0 < owners.count && owners[$0] == me })
            }
        }
    }

    /// `metrics.reporter.prom.port` when set; otherwise the first free of 9249-9259, so a TaskManager beside the
    /// JobManager (which holds 9249) serves on 9250, as a Flink setup with the range 9249-9250 does.
    static func prometheusPorts(_ configuration: ClusterConfiguration) -> ClosedRange<Int> {
        configuration.settings[ClusterOptions.prometheusPort.key] == nil ? 9249...9259 : configuration.prometheusPorts
    }

    private var heartbeatMillis: Int64 { Self.millis(configuration[ClusterOptions.heartbeatInterval]) }
    private var metricsUpdateMillis: Int64 { Self.millis(configuration[ClusterOptions.metricsUpdateInterval]) }

    private static func millis(_ d: Duration) -> Int64 {
        max(10, d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }

    public func run() async throws {
        let host = configuration[ClusterOptions.jobManagerAddress], port = configuration[ClusterOptions.jobManagerPort]
        let socket = try FramedSocket.connect(host: host, port: port, timeoutSeconds: 30)
        do {
            try authentication.connect(socket, maxFrameLength: FramedSocket.maxControlFrame)
        } catch {
            socket.close()
            network.shutdown()
            throw AuthenticationError("the JobManager at \(host):\(port) did not accept this TaskManager: \(error)")
        }
        connected.withLock { $0 = socket }
        let info = ProcessInfo.processInfo
        try send(.register(TaskManagerHello(id: id, host: network.host, dataPort: network.dataPort, slots: configuration.taskSlots,
                                            cpuCores: info.activeProcessorCount, physicalMemory: Int64(info.physicalMemory))))
        logger.info("TaskManager \(id) with \(configuration.taskSlots) slots registering at \(host):\(port); data port \(network.dataPort)")
        startThread("rpc-in") { [self] in
            var reason = "the JobManager closed the connection"
            do {
                while let frame = try socket.receive() {
                    handle(try ControlMessage.parse(frame.payload))
                }
            } catch {
                reason = "\(error)"
            }
            ended.withLock { $0 = reason }
        }
        let heartbeats = Task { [self] in
            while !Task.isCancelled {
                try? send(.heartbeat(timestamp: WallClock.millis(), process: statistics.sample()))
                try? await Task.sleep(for: .milliseconds(heartbeatMillis))
            }
        }
        // Metrics on their own clock: the dashboard's live counts should not wait for the (slow) heartbeat.
        let metricReports = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(metricsUpdateMillis))
                reportRunning()
            }
        }
        // Runs until SIGTERM or the JobManager goes away.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await gracefulShutdown() }
            group.addTask { [self] in
                while ended.withLock({ $0 }) == nil && !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
            }
            await group.next()
            group.cancelAll()
        }
        heartbeats.cancel()
        metricReports.cancel()
        let running = executions.withLock { $0.values.map(\.execution) }
        for e in running { e.cancel() }
        for e in running { _ = await e.completion() }
        socket.close()
        network.shutdown()
        if let reason = ended.withLock({ $0 }) {
            logger.error("TaskManager \(id) stops: \(reason)")
        }
    }

    /// The group to run; with `handlingSignals` SIGTERM and SIGINT stop it gracefully (running subtasks are cancelled).
    public func serviceGroup(handlingSignals: Bool = true, logger: Logger) -> ServiceGroup {
        // The metrics endpoint is optional: a port in use costs the endpoint (logged), not the TaskManager.
        let endpoint = OptionalService(metrics, logger: logger)
        return ServiceGroup(configuration: ServiceGroupConfiguration(services: [endpoint, self],
                                                                     gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [],
                                                                     logger: logger))
    }

    private func send(_ message: ControlMessage) throws {
        guard let socket = connected.withLock({ $0 }) else { return }
        try socket.send(kind: ControlMessage.frameKind, payload: try message.frame())
    }

    private static func key(_ id: JobID, _ attempt: Int) -> String { "\(id)#\(attempt)" }

    private func handle(_ message: ControlMessage) {
        switch message {
        case .deploy(let d):
            // Off the RPC thread: connecting data channels may wait for peers.
            startThread("deploy") { [self] in deploy(d) }
        case let .cancel(jobID, attempt), let .stop(jobID, attempt, _):
            let key = Self.key(jobID, attempt)
            // Deploying runs on its own thread, so a cancel or stop can overtake the deployment it is about: it is
            // kept, and applied as soon as the attempt is deployed.
            let execution = executions.withLock { e -> JobExecution? in
                if let running = e[key] { return running.execution }
                early.withLock { $0[key] = message }
                return nil
            }
            if let execution { Self.apply(message, to: execution) }
        case .registered:
            logger.info("TaskManager \(id) registered")
        case .register, .heartbeat, .taskState:
            break
        }
    }

    private static func apply(_ message: ControlMessage, to execution: JobExecution) {
        switch message {
        case .cancel: execution.cancel()
        case .stop(_, _, let mode): execution.stopWithSavepoint(mode)
        default: break
        }
    }

    private func deploy(_ d: TaskDeploymentDescriptor) {
        Secrets.remember(secretsIn: d.submission.parameters)
        do {
            let resolved = try resolver(d.submission)
            var runtime = d.runtime.configuration
            // How long a cancelled task may take is this TaskManager's setting, as in Flink.
            runtime.taskCancellationTimeoutMillis = FlinkDuration.milliseconds(configuration[ClusterOptions.taskCancellationTimeout])
            runtime.taskCancellationIntervalMillis = FlinkDuration.milliseconds(configuration[ClusterOptions.taskCancellationInterval])
            let graph = try JobGraph(job: resolved.job, configuration: runtime, parallelism: resolved.parallelism)
            guard (graph.vertices.map(\.parallelism).max() ?? 1) == d.slotOwners.count else {
                throw JobDefinitionError("the job's graph here needs a different number of slots than the JobManager placed "
                    + "(\(d.slotOwners.count)): are both processes the same build with the same jobs file?")
            }
            try network.connect(to: d.peers.filter { $0.id != id.description })
            let placement = SubtaskPlacement(slotOwners: d.slotOwners, localID: id.description, attempt: d.attempt, network: network)
            let execution = try LocalExecutor(configuration: runtime).deploy(graph, jobID: d.jobID, placement: placement,
                                                                             restore: try d.savepointRestore())
            execution.cancellationWarnings = { [logger] line in logger.warning("\(line)") }
            let overtaken = executions.withLock { e -> ControlMessage? in
                e[Self.key(d.jobID, d.attempt)] = (execution, d.attempt, d.slotOwners)
                return early.withLock { $0.removeValue(forKey: Self.key(d.jobID, d.attempt)) }
            }
            if let overtaken { Self.apply(overtaken, to: execution) }
            logger.info("Job \(d.jobID) attempt \(d.attempt): \(d.slotOwners.filter { $0 == id.description }.count) slots deployed here")
            reportRunning()   // the subtasks' states at once, not only at the next report
            // And again once they have opened their operators and run (Flink reports each transition).
            Task.detached { [weak self] in
                for _ in 0..<200 where !execution.status.isTerminal {
                    try? await Task.sleep(for: .milliseconds(50))
                    if !execution.subtaskStatuses().contains(where: { $0.state == .deploying || $0.state == .initializing }) {
                        self?.reportRunning()
                        return
                    }
                }
            }
            Task.detached { [self] in
                let result = await execution.completion()
                executions.withLock { $0[Self.key(d.jobID, d.attempt)] = nil }
                let states = execution.subtaskStates()
                try? send(.taskState(TaskStateReport(jobID: d.jobID, attempt: d.attempt, status: result.status, failure: result.failure,
                                                     metrics: execution.subtaskMetrics(), states: states.isEmpty ? nil : states,
                                                     statuses: execution.subtaskStatuses())))
            }
        } catch {
            early.withLock { _ = $0.removeValue(forKey: Self.key(d.jobID, d.attempt)) }
            logger.error("Job \(d.jobID) attempt \(d.attempt) failed to deploy: \(error)")
            try? send(.taskState(TaskStateReport(jobID: d.jobID, attempt: d.attempt, status: .failed,
                                                 failure: "deployment on TaskManager \(id) failed: \(error)", metrics: [])))
        }
    }

    /// Running attempts' metrics, so the JobManager's REST API and Prometheus show remote subtasks.
    private func reportRunning() {
        let running = executions.withLock { Array($0.values) }
        for (e, attempt, _) in running where !e.status.isTerminal {
            try? send(.taskState(TaskStateReport(jobID: e.jobID, attempt: attempt, status: .running, failure: nil, metrics: e.subtaskMetrics(),
                                                 statuses: e.subtaskStatuses())))
        }
    }
}

/// Runs a server whose failure to bind is logged rather than ending its service group; it then waits for the
/// group's graceful shutdown like any other service.
struct OptionalService: Service {
    let server: HTTPServerService
    let logger: Logger

    init(_ server: HTTPServerService, logger: Logger) {
        self.server = server
        self.logger = logger
    }

    func run() async throws {
        do {
            try await server.run()
        } catch let error as ServerBindError {
            // E.g. beside a JobManager on the same host with one explicit port: the JobManager's endpoint has these metrics too.
            logger.warning("\(error); running without it")
            try? await gracefulShutdown()
        }
    }
}
