// TaskManager endpoints: the registered TaskManagers, their slots and metrics.
// Each type is one endpoint, named after Flink's `*Headers` class for the same route.

/// `GET /taskmanagers`
public enum TaskManagersHeaders: RESTEndpoint {
    public typealias Parameters = NoParameters
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = TaskManagersInfo
    public static let path = "/taskmanagers"
    public static let method = RESTMethod.get
    public static let operationID = "getTaskManagers"
}

/// `GET /taskmanagers/metrics?get=…&agg=…` — TaskManager metrics aggregated over TaskManagers.
public enum AggregatedTaskManagerMetricsHeaders: RESTEndpoint {
    public typealias Parameters = AggregatedMetricQuery<NoParameters>
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = [AggregatedMetric]
    public static let path = "/taskmanagers/metrics"
    public static let method = RESTMethod.get
    public static let operationID = "getAggregatedTaskManagerMetrics"
}

/// `GET /taskmanagers/:taskmanagerid` — one TaskManager with its allocated slots and memory figures.
public enum TaskManagerDetailsHeaders: RESTEndpoint {
    public typealias Parameters = TaskManagerPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = TaskManagerDetailsInfo
    public static let path = "/taskmanagers/:taskmanagerid"
    public static let method = RESTMethod.get
    public static let operationID = "getTaskManagerDetails"
}

/// `GET /taskmanagers/:taskmanagerid/metrics?get=…`
public enum TaskManagerMetricsHeaders: RESTEndpoint {
    public typealias Parameters = MetricQuery<TaskManagerPath>
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = [MetricValue]
    public static let path = "/taskmanagers/:taskmanagerid/metrics"
    public static let method = RESTMethod.get
    public static let operationID = "getTaskManagerMetrics"
}
