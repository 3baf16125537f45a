import Logging
import ServiceLifecycle

/// `dataflow jobmanager`: a JobManager without TaskManagers of its own — they join through the RPC endpoint
/// (`jobmanager.rpc.port`) — with the REST API and the Prometheus endpoint, as services of one group.
public struct StandaloneJobManager: Sendable {
    public let jobManager: JobManager
    public let rpc: JobManagerRPCService
    public let rest: HTTPServerService
    public let metrics: HTTPServerService

    public init(configuration: ClusterConfiguration, resolver: @escaping JobResolver, catalog: @escaping JobCatalogListing = { [] },
                logger: Logger = Logger(label: "dataflow.jobmanager")) {
        jobManager = JobManager(configuration: configuration, resolver: resolver, catalog: catalog, logger: logger)
        let rpcHost = configuration[ClusterOptions.jobManagerAddress] == "localhost" ? "127.0.0.1" : configuration[ClusterOptions.jobManagerAddress]
        rpc = JobManagerRPCService(jobManager: jobManager, host: rpcHost, port: configuration[ClusterOptions.jobManagerPort], logger: logger)
        let restPort = configuration.restPort
        rest = HTTPServerService(name: "REST API", host: configuration.restBindAddress, ports: restPort...restPort,
                                 router: RESTAPI(jobManager: jobManager).buildRouter(), logger: logger)
        metrics = HTTPServerService(name: "Prometheus endpoint", host: configuration.prometheusBindAddress, ports: configuration.prometheusPorts,
                                    router: PrometheusEndpoint.router(reporter: PrometheusReporter(jobManager: jobManager)), logger: logger)
    }

    public var services: [any Service] { [rpc, rest, metrics, JobManagerService(jobManager: jobManager)] }

    public func serviceGroup(handlingSignals: Bool = true, logger: Logger) -> ServiceGroup {
        ServiceGroup(configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [],
                                                              logger: logger))
    }
}
