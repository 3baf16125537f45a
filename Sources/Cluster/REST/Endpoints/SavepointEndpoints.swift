// Savepoints, stop-with-savepoint and rescaling: asynchronous operations, triggered and then polled by trigger id
// (what `flink savepoint` and `flink stop` use).

/// `POST /jobs/:jobid/savepoints` — a savepoint; the job resumes from it, or ends with `cancel-job`.
public enum SavepointTriggerHeaders: RESTEndpoint {
    public typealias Parameters = JobPath
    public typealias RequestBody = SavepointTriggerRequestBody
    public typealias ResponseBody = TriggerResponse
    public static let path = "/jobs/:jobid/savepoints"
    public static let method = RESTMethod.post
    public static let successStatus = 202
    public static let operationID = "triggerSavepoint"
}

/// `GET /jobs/:jobid/savepoints/:triggerid` — the savepoint's location once COMPLETED (also for stop).
public enum SavepointStatusHeaders: RESTEndpoint {
    public typealias Parameters = JobTriggerPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = AsynchronousOperationResult
    public static let path = "/jobs/:jobid/savepoints/:triggerid"
    public static let method = RESTMethod.get
    public static let operationID = "getSavepointStatus"
}

/// `POST /jobs/:jobid/stop` — stop with a savepoint (`drain` fires every window first); the job ends FINISHED.
public enum StopWithSavepointTriggerHeaders: RESTEndpoint {
    public typealias Parameters = JobPath
    public typealias RequestBody = StopWithSavepointRequestBody
    public typealias ResponseBody = TriggerResponse
    public static let path = "/jobs/:jobid/stop"
    public static let method = RESTMethod.post
    public static let successStatus = 202
    public static let operationID = "stopWithSavepoint"
}

/// `PATCH /jobs/:jobid/rescaling?parallelism=N` — stop with a savepoint, redistribute key groups, resume at N.
public enum RescalingTriggerHeaders: RESTEndpoint {
    public typealias Parameters = RescalingParameters
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = TriggerResponse
    public static let path = "/jobs/:jobid/rescaling"
    public static let method = RESTMethod.patch
    public static let operationID = "rescaleJob"
}

/// `GET /jobs/:jobid/rescaling/:triggerid`
public enum RescalingStatusHeaders: RESTEndpoint {
    public typealias Parameters = JobTriggerPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = AsynchronousOperationResult
    public static let path = "/jobs/:jobid/rescaling/:triggerid"
    public static let method = RESTMethod.get
    public static let operationID = "getRescalingStatus"
}

/// `POST /savepoint-disposal` — deletes a savepoint (`flink savepoint -d PATH`); only a directory holding one.
public enum SavepointDisposalTriggerHeaders: RESTEndpoint {
    public typealias Parameters = NoParameters
    public typealias RequestBody = SavepointDisposalRequest
    public typealias ResponseBody = TriggerResponse
    public static let path = "/savepoint-disposal"
    public static let method = RESTMethod.post
    public static let operationID = "triggerSavepointDisposal"
}

/// `GET /savepoint-disposal/:triggerid`
public enum SavepointDisposalStatusHeaders: RESTEndpoint {
    public typealias Parameters = TriggerPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = AsynchronousOperationResult
    public static let path = "/savepoint-disposal/:triggerid"
    public static let method = RESTMethod.get
    public static let operationID = "getSavepointDisposalStatus"
}

/// `GET /jobs/:jobid/checkpoints` — the job's savepoints (counts, latest, history) and the one it restored.
public enum CheckpointingStatisticsHeaders: RESTEndpoint {
    public typealias Parameters = JobPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = CheckpointingStatistics
    public static let path = "/jobs/:jobid/checkpoints"
    public static let method = RESTMethod.get
    public static let operationID = "getCheckpointingStatistics"
}

/// `GET /jobs/:jobid/checkpoints/config` — how the job checkpoints (Flink's dashboard asks on every job page).
public enum CheckpointConfigHeaders: RESTEndpoint {
    public typealias Parameters = JobPath
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = CheckpointConfigInfo
    public static let path = "/jobs/:jobid/checkpoints/config"
    public static let method = RESTMethod.get
    public static let operationID = "getCheckpointConfig"
}
