// Cluster-wide endpoints: dashboard bootstrap, overview, the JobManager's configuration, metrics and environment.
// Each type is one endpoint, named after Flink's `*Headers` class for the same route.

/// `GET /config` — the dashboard's first request; if it fails the UI does not start.
public enum DashboardConfigurationHeaders: RESTEndpoint {
    public typealias Parameters = NoParameters
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = DashboardConfiguration
    public static let path = "/config"
    public static let method = RESTMethod.get
    public static let operationID = "getDashboardConfiguration"
}

/// `GET /overview` — TaskManagers, slots and job counts.
public enum ClusterOverviewHeaders: RESTEndpoint {
    public typealias Parameters = NoParameters
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = ClusterOverview
    public static let path = "/overview"
    public static let method = RESTMethod.get
    public static let operationID = "getClusterOverview"
}

/// `GET /applications/overview` — Flink 2's dashboard lists one application per job.
public enum ApplicationsOverviewHeaders: RESTEndpoint {
    public typealias Parameters = NoParameters
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = ApplicationsOverview
    public static let path = "/applications/overview"
    public static let method = RESTMethod.get
    public static let operationID = "getApplicationsOverview"
}

/// `GET /jobmanager/config` — every configuration key and its effective value.
public enum ClusterConfigurationInfoHeaders: RESTEndpoint {
    public typealias Parameters = NoParameters
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = [ConfigurationEntry]
    public static let path = "/jobmanager/config"
    public static let method = RESTMethod.get
    public static let operationID = "getClusterConfigurationInfo"
}

/// `GET /jobmanager/environment` — runtime facts for the dashboard's JobManager page.
public enum JobManagerEnvironmentHeaders: RESTEndpoint {
    public typealias Parameters = NoParameters
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = EnvironmentInfo
    public static let path = "/jobmanager/environment"
    public static let method = RESTMethod.get
    public static let operationID = "getJobManagerEnvironment"
}

/// `GET /jobmanager/metrics?get=…` — cluster gauges (`numRunningJobs`, `taskSlotsAvailable`, …) and process figures.
public enum JobManagerMetricsHeaders: RESTEndpoint {
    public typealias Parameters = MetricQuery<NoParameters>
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = [MetricValue]
    public static let path = "/jobmanager/metrics"
    public static let method = RESTMethod.get
    public static let operationID = "getJobManagerMetrics"
}
