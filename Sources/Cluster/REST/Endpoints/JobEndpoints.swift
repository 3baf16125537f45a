// Job endpoints: listing, details, plan, configuration, exceptions, results, metrics, submission and cancellation.
// Each type is one endpoint, named after Flink's `*Headers` class for the same route.

/// `GET /jobs` — ids and states.
public enum JobIDsWithStatusOverviewHeaders: RESTEndpoint {
    public typealias Parameters = NoParameters
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = JobIDsWithStatus
    public static let path = "/jobs"
    public static let method = RESTMethod.get
    public static let operationID = "getJobIdsWithStatusesOverview"
}

/// `GET /jobs/overview` — what `flink list` reads (`jid`, `name`, `state`, `start-time`).
public enum JobsOverviewHeaders: RESTEndpoint {
    public typealias Parameters = NoParameters
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = MultipleJobsDetails
    public static let path = "/jobs/overview"
    public static let method = RESTMethod.get
    public static let operationID = "getJobsOverview"
}

/// `POST /jobs/submit-by-name` — our submission: a compiled job by name, with parameters and parallelism.
/// 202 with the new job's id; 400 for an unknown job or parameter; 409 when not enough slots are free.
public enum JobSubmitByNameHeaders: RESTEndpoint {
    public typealias Parameters = NoParameters
    public typealias RequestBody = JobSubmission
    public typealias ResponseBody = JobSubmitResponse
    public static let path = "/jobs/submit-by-name"
    public static let method = RESTMethod.post
    public static let successStatus = 202
    public static let operationID = "submitJobByName"
}

/// `POST /jobs` — what `flink run` sends: a Java-serialized JobGraph and jars. Always refused with 400 and an
/// explanation, because our jobs are Swift code compiled into the binary.
public enum JobSubmitHeaders: RESTEndpoint {
    public typealias Parameters = NoParameters
    public typealias RequestBody = RawBody
    public typealias ResponseBody = JobSubmitResponse
    public static let path = "/jobs"
    public static let method = RESTMethod.post
    public static let successStatus = 202
    public static let operationID = "submitJob"
}

/// `GET /jobs/metrics?get=…&agg=…` — job metrics aggregated over jobs.
public enum AggregatedJobMetricsHeaders: RESTEndpoint {
    public typealias Parameters = AggregatedMetricQuery<NoParameters>
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = [AggregatedMetric]
    public static let path = "/jobs/metrics"
    public static let method = RESTMethod.get
    public static let operationID = "getAggregatedJobMetrics"
}

/// `GET /jobs/:jobid` — state, timestamps, vertices with I/O figures, and the plan.
public enum JobDetailsHeaders: RESTEndpoint {
    public typealias Parameters = JobPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = JobDetailsInfo
    public static let path = "/jobs/:jobid"
    public static let method = RESTMethod.get
    public static let operationID = "getJobDetails"
}

/// `PATCH /jobs/:jobid?mode=cancel` — what `flink cancel` sends: 202 with `{}`, the job goes CANCELLING → CANCELED.
public enum JobCancellationHeaders: RESTEndpoint {
    public typealias Parameters = JobTermination
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = EmptyBody
    public static let path = "/jobs/:jobid"
    public static let method = RESTMethod.patch
    public static let successStatus = 202
    public static let operationID = "cancelJob"
}

/// `GET /jobs/:jobid/yarn-cancel` — the legacy GET route the dashboard's Cancel button still calls.
public enum YarnCancelJobTerminationHeaders: RESTEndpoint {
    public typealias Parameters = JobPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = EmptyBody
    public static let path = "/jobs/:jobid/yarn-cancel"
    public static let method = RESTMethod.get
    public static let successStatus = 202
    public static let operationID = "yarnCancelJob"
}

/// `GET /jobs/:jobid/status`
public enum JobStatusInfoHeaders: RESTEndpoint {
    public typealias Parameters = JobPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = JobStatusInfo
    public static let path = "/jobs/:jobid/status"
    public static let method = RESTMethod.get
    public static let operationID = "getJobStatusInfo"
}

/// `GET /jobs/:jobid/plan` — the same plan as in `/jobs/:jobid` (vertex ids identical).
public enum JobPlanHeaders: RESTEndpoint {
    public typealias Parameters = JobPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = JobPlanInfo
    public static let path = "/jobs/:jobid/plan"
    public static let method = RESTMethod.get
    public static let operationID = "getJobPlan"
}

/// `GET /jobs/:jobid/config` — parallelism, restart strategy and the job's parameters.
public enum JobConfigHeaders: RESTEndpoint {
    public typealias Parameters = JobPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = JobConfigInfo
    public static let path = "/jobs/:jobid/config"
    public static let method = RESTMethod.get
    public static let operationID = "getJobConfig"
}

/// `GET /jobs/:jobid/exceptions?maxExceptions=N` — the root cause and history of failures.
public enum JobExceptionsHeaders: RESTEndpoint {
    public typealias Parameters = JobExceptionsQuery
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = JobExceptionsInfo
    public static let path = "/jobs/:jobid/exceptions"
    public static let method = RESTMethod.get
    public static let operationID = "getJobExceptions"
}

/// `GET /jobs/:jobid/execution-result` — IN_PROGRESS until the job ends, then its outcome.
public enum JobExecutionResultHeaders: RESTEndpoint {
    public typealias Parameters = JobPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = JobExecutionResultResponse
    public static let path = "/jobs/:jobid/execution-result"
    public static let method = RESTMethod.get
    public static let operationID = "getJobExecutionResult"
}

/// `GET /jobs/:jobid/metrics?get=…` — job-scope metrics (`uptime`, `numRestarts`, …).
public enum JobMetricsHeaders: RESTEndpoint {
    public typealias Parameters = MetricQuery<JobPath>
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = [MetricValue]
    public static let path = "/jobs/:jobid/metrics"
    public static let method = RESTMethod.get
    public static let operationID = "getJobMetrics"
}
