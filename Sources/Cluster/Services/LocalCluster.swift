import Logging
import ServiceLifecycle

/// Flink's start-cluster in one process (`dataflow cluster`): a JobManager with one TaskManager offering
/// `taskmanager.numberOfTaskSlots` slots, the REST API on `rest.bind-address:rest.port` and the Prometheus endpoint
/// on `metrics.reporter.prom.port`, run as services of one group until SIGTERM or Ctrl-C.
public struct LocalCluster: Sendable {
    public let jobManager: JobManager
    public let taskManager: LocalTaskManager
    public let rest: HTTPServerService
    public let metrics: HTTPServerService

    public init(configuration: ClusterConfiguration, resolver: @escaping JobResolver, catalog: @escaping JobCatalogListing = { [] },
                logger: Logger = Logger(label: "dataflow.cluster")) {
        jobManager = JobManager(configuration: configuration, resolver: resolver, catalog: catalog, logger: logger)
        taskManager = LocalTaskManager(host: configuration[ClusterOptions.jobManagerAddress], slots: configuration.taskSlots)
        jobManager.register(taskManager)
        let restPort = configuration.restPort
        rest = HTTPServerService(name: "REST API", host: configuration.restBindAddress, ports: restPort...restPort,
                                 router: RESTAPI(jobManager: jobManager).buildRouter(), logger: logger)
        metrics = HTTPServerService(name: "Prometheus endpoint", host: configuration.prometheusBindAddress, ports: configuration.prometheusPorts,
                                    router: PrometheusEndpoint.router(reporter: PrometheusReporter(jobManager: jobManager)), logger: logger)
    }

    /// The services in start order; a graceful shutdown runs in reverse: jobs are cancelled while the API still
    /// answers, then the servers stop.
    public var services: [any Service] { [rest, metrics, JobManagerService(jobManager: jobManager)] }

    /// The group to run; with `handlingSignals` SIGTERM and SIGINT shut it down gracefully (tests trigger that
    /// themselves).
    public func serviceGroup(handlingSignals: Bool = true, logger: Logger) -> ServiceGroup {
        ServiceGroup(configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [],
                                                              logger: logger))
    }
}
