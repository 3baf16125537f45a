// Vertex (task) endpoints: details, subtask times and placement, metrics, watermarks, backpressure.
// Each type is one endpoint, named after Flink's `*Headers` class for the same route.

/// `GET /jobs/:jobid/vertices/:vertexid` — subtasks with their state, TaskManager and I/O figures.
public enum JobVertexDetailsHeaders: RESTEndpoint {
    public typealias Parameters = VertexPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = JobVertexDetailsInfo
    public static let path = "/jobs/:jobid/vertices/:vertexid"
    public static let method = RESTMethod.get
    public static let operationID = "getJobVertexDetails"
}

/// `GET /jobs/:jobid/vertices/:vertexid/subtasktimes` — when each subtask entered each state.
public enum SubtasksTimesHeaders: RESTEndpoint {
    public typealias Parameters = VertexPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = SubtasksTimesInfo
    public static let path = "/jobs/:jobid/vertices/:vertexid/subtasktimes"
    public static let method = RESTMethod.get
    public static let operationID = "getSubtasksTimes"
}

/// `GET /jobs/:jobid/vertices/:vertexid/taskmanagers` — the vertex's subtasks grouped by TaskManager.
public enum JobVertexTaskManagersHeaders: RESTEndpoint {
    public typealias Parameters = VertexPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = JobVertexTaskManagersInfo
    public static let path = "/jobs/:jobid/vertices/:vertexid/taskmanagers"
    public static let method = RESTMethod.get
    public static let operationID = "getJobVertexTaskManagers"
}

/// `GET /jobs/:jobid/vertices/:vertexid/metrics?get=…` — per subtask: `<i>.<metric>` (task scope) and
/// `<i>.<operator>.<metric>` (operator scope).
public enum JobVertexMetricsHeaders: RESTEndpoint {
    public typealias Parameters = MetricQuery<VertexPath>
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = [MetricValue]
    public static let path = "/jobs/:jobid/vertices/:vertexid/metrics"
    public static let method = RESTMethod.get
    public static let operationID = "getJobVertexMetrics"
}

/// `GET /jobs/:jobid/vertices/:vertexid/subtasks/metrics?get=…&agg=…&subtasks=…` — the same metrics without the
/// subtask prefix, aggregated over subtasks.
public enum AggregatedSubtaskMetricsHeaders: RESTEndpoint {
    public typealias Parameters = AggregatedMetricQuery<VertexPath>
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = [AggregatedMetric]
    public static let path = "/jobs/:jobid/vertices/:vertexid/subtasks/metrics"
    public static let method = RESTMethod.get
    public static let operationID = "getAggregatedSubtaskMetrics"
}

/// `GET /jobs/:jobid/vertices/:vertexid/watermarks` — `<i>.currentInputWatermark` per subtask; `Long.MIN_VALUE`
/// means no watermark yet; empty for a source task (it has no input).
public enum JobVertexWatermarksHeaders: RESTEndpoint {
    public typealias Parameters = VertexPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = [MetricValue]
    public static let path = "/jobs/:jobid/vertices/:vertexid/watermarks"
    public static let method = RESTMethod.get
    public static let operationID = "getJobVertexWatermarks"
}

/// `GET /jobs/:jobid/vertices/:vertexid/backpressure`
public enum JobVertexBackPressureHeaders: RESTEndpoint {
    public typealias Parameters = VertexPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = JobVertexBackPressureInfo
    public static let path = "/jobs/:jobid/vertices/:vertexid/backpressure"
    public static let method = RESTMethod.get
    public static let operationID = "getJobVertexBackPressure"
}
