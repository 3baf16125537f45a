import Dataflow
import HTTPConnector

/// A savepoint or rescale the JobManager reports as failed.
public struct SavepointFailure: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// What the command line does with a JobManager — list, submit, cancel, wait — through the REST API only.
public struct ClusterClient: Sendable {
    public let rest: RESTClient

    public init(rest: RESTClient) { self.rest = rest }

    /// Every job the JobManager knows, newest first.
    public func jobs() async throws(RESTClientError) -> [JobDetails] {
        try await rest.call(JobsOverviewHeaders.self).jobs
    }

    public func submit(_ submission: JobSubmission) async throws(RESTClientError) -> JobID {
        try await rest.call(JobSubmitByNameHeaders.self, NoParameters(), body: submission).jobID
    }

    public func cancel(_ id: JobID) async throws(RESTClientError) {
        _ = try await rest.call(JobCancellationHeaders.self, JobTermination(jobID: id, mode: .cancel))
    }

    /// Stops a job with a savepoint (`flink stop`); returns the trigger to poll with `waitForSavepoint`.
    public func stop(_ id: JobID, directory: String?, drain: Bool) async throws(RESTClientError) -> TriggerID {
        try await rest.call(StopWithSavepointTriggerHeaders.self, JobPath(jobID: id),
                            body: StopWithSavepointRequestBody(targetDirectory: directory, drain: drain)).requestID
    }

    /// Takes a savepoint (`flink savepoint`); the job resumes from it, or ends with `cancel`.
    public func savepoint(_ id: JobID, directory: String?, cancel: Bool = false) async throws(RESTClientError) -> TriggerID {
        try await rest.call(SavepointTriggerHeaders.self, JobPath(jobID: id),
                            body: SavepointTriggerRequestBody(targetDirectory: directory, cancelJob: cancel)).requestID
    }

    /// Rescales a running job: a savepoint, key groups redistributed, the job resumed at `parallelism`.
    public func rescale(_ id: JobID, parallelism: Int) async throws(RESTClientError) -> TriggerID {
        try await rest.call(RescalingTriggerHeaders.self, RescalingParameters(jobID: id, parallelism: parallelism)).requestID
    }

    /// Polls a savepoint or stop until it completes; returns the savepoint's location, or throws its failure.
    public func waitForSavepoint(_ id: JobID, _ trigger: TriggerID, every interval: Duration = .milliseconds(100),
                                 timeout: Duration? = nil) async throws -> String {
        try await poll(every: interval, timeout: timeout) { () async throws(RESTClientError) in
            try await rest.call(SavepointStatusHeaders.self, JobTriggerPath(jobID: id, triggerID: trigger))
        }
    }

    /// Polls a rescale until it completes (the job then runs at its new parallelism, or the failure is thrown).
    public func waitForRescaling(_ id: JobID, _ trigger: TriggerID, every interval: Duration = .milliseconds(100),
                                 timeout: Duration? = nil) async throws {
        _ = try await poll(every: interval, timeout: timeout) { () async throws(RESTClientError) in
            try await rest.call(RescalingStatusHeaders.self, JobTriggerPath(jobID: id, triggerID: trigger))
        }
    }

    /// Deletes a savepoint (`flink savepoint -d`), waiting for the outcome.
    public func disposeSavepoint(_ path: String, timeout: Duration? = nil) async throws {
        let trigger = try await rest.call(SavepointDisposalTriggerHeaders.self, NoParameters(),
                                          body: SavepointDisposalRequest(savepointPath: path)).requestID
        _ = try await poll(every: .milliseconds(100), timeout: timeout) { () async throws(RESTClientError) in
            try await rest.call(SavepointDisposalStatusHeaders.self, TriggerPath(triggerID: trigger))
        }
    }

    private func poll(every interval: Duration, timeout: Duration?,
                      _ fetch: () async throws(RESTClientError) -> AsynchronousOperationResult) async throws -> String {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            if let deadline, ContinuousClock.now > deadline { throw SavepointFailure(description: "still in progress after \(timeout!)") }
            let answer = try await fetch()
            if answer.isCompleted {
                if let cause = answer.operation?.failureCause { throw SavepointFailure(description: cause.stackTrace) }
                return answer.operation?.location ?? ""
            }
            try await Task.sleep(for: interval)
        }
    }

    public func details(_ id: JobID) async throws(RESTClientError) -> JobDetailsInfo {
        try await rest.call(JobDetailsHeaders.self, JobPath(jobID: id))
    }

    /// Polls `/jobs/:id/execution-result` (as Flink's attached client does) until the job has ended.
    public func waitForResult(_ id: JobID, every interval: Duration = .milliseconds(200)) async throws -> JobExecutionResultResponse.Result {
        while true {
            let answer = try await rest.call(JobExecutionResultHeaders.self, JobPath(jobID: id))
            if let result = answer.jobExecutionResult { return result }
            try await Task.sleep(for: interval)
        }
    }

    /// Every operator's metrics summed over its subtasks: operator name (as in Flink's metric ids, e.g.
    /// `Source__chat-source`) → metric → sum.
    public func operatorTotals(_ id: JobID) async throws(RESTClientError) -> [String: [String: Double]] {
        var totals: [String: [String: Double]] = [:]
        for vertex in try await details(id).vertices {
            let path = VertexPath(jobID: id, vertexID: vertex.id)
            let ids = try await rest.call(AggregatedSubtaskMetricsHeaders.self, AggregatedMetricQuery(path)).map(\.id)
            let operatorIDs = ids.filter { $0.contains(".") }
            guard !operatorIDs.isEmpty else { continue }
            let sums = try await rest.call(AggregatedSubtaskMetricsHeaders.self,
                                           AggregatedMetricQuery(path, get: operatorIDs, aggregations: [.sum, .min]))
            for metric in sums {
                guard let dot = metric.id.lastIndex(of: ".") else { continue }
                let op = String(metric.id[..<dot]), name = String(metric.id[metric.id.index(after: dot)...])
                // Watermarks are not summed: the slowest subtask's is the operator's.
                totals[op, default: [:]][name] = name.hasSuffix("Watermark") ? metric.min : metric.sum
            }
        }
        return totals
    }
}
