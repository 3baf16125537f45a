// Handlers of the job endpoints.

import Dataflow

extension RESTAPI {
    /// Why `POST /jobs` (what `flink run` sends) is refused, and what to do instead.
    public static let javaSubmissionRefusal = """
        Java JobGraph submission is not supported: Dataflow jobs are Swift code compiled into the dataflow binary, \
        so the serialized JobGraph and jars that `flink run` uploads cannot run here. Submit a compiled job by name \
        instead: `dataflow run JOB -m HOST:PORT [-p N] [-D name=value]`, or POST /jobs/submit-by-name with \
        {"job": "<name>", "parallelism": <n>, "parameters": {"<name>": "<value>"}}.
        """

    func addJobRoutes(to routes: RESTRouteTable) {
        let jm = jobManager
        routes.add(JobIDsWithStatusOverviewHeaders.self) { _, _ in
            JobIDsWithStatus(jobs: jm.jobs().map { .init(id: $0.id, status: $0.state) })
        }
        routes.add(JobsOverviewHeaders.self) { _, _ in
            MultipleJobsDetails(jobs: jm.jobs().map(JobDetails.init))
        }
        routes.add(JobSubmitByNameHeaders.self) { _, submission in
            do {
                let id = try jm.submit(submission)
                return JobSubmitResponse(jobID: id, jobURL: "/jobs/\(id)")
            } catch let error as JobSubmissionError {
                switch error {
                case .invalid(let message): throw RESTError.badRequest(message)
                case .noResources(let message): throw RESTError.conflict(message)
                }
            }
        }
        routes.add(JobSubmitHeaders.self) { _, _ in
            throw RESTError.badRequest(Self.javaSubmissionRefusal)
        }
        routes.add(AggregatedJobMetricsHeaders.self) { query, _ in
            let selected = query.selection.map(Set.init)
            let jobs = jm.jobs().filter { selected?.contains($0.id.description) ?? true }
            let entities = jobs.map { Dictionary($0.jobMetricValues.map { ($0.id, $0.value) }, uniquingKeysWith: { a, _ in a }) }
            return MetricListing.aggregated(entities, get: query.get, aggregations: query.aggregations)
        }
        routes.add(JobDetailsHeaders.self) { p, _ in
            JobDetailsInfo(try job(p.jobID))
        }
        routes.add(JobCancellationHeaders.self) { p, _ in
            guard p.mode == .cancel else {
                throw RESTError.badRequest("mode=stop is not supported; stop with a savepoint through POST /jobs/:jobid/stop (`dataflow stop`)")
            }
            try cancel(p.jobID)
            return EmptyBody()
        }
        routes.add(YarnCancelJobTerminationHeaders.self) { p, _ in
            try cancel(p.jobID)
            return EmptyBody()
        }
        routes.add(JobStatusInfoHeaders.self) { p, _ in
            JobStatusInfo(status: try job(p.jobID).state)
        }
        routes.add(JobPlanHeaders.self) { p, _ in
            JobPlanInfo(plan: JobPlan(try job(p.jobID)))
        }
        routes.add(JobConfigHeaders.self) { p, _ in
            JobConfigInfo(try job(p.jobID))
        }
        routes.add(JobExceptionsHeaders.self) { p, _ in
            JobExceptionsInfo(try job(p.jobID), maxExceptions: p.maxExceptions)
        }
        routes.add(JobExecutionResultHeaders.self) { p, _ in
            JobExecutionResultResponse(try job(p.jobID))
        }
        routes.add(JobMetricsHeaders.self) { query, _ in
            MetricListing.values(try job(query.path.jobID).jobMetricValues, get: query.get)
        }
    }

    private func cancel(_ id: JobID) throws(RESTError) {
        do {
            try jobManager.cancel(id)
        } catch .unknownJob {
            throw .notFound("Job \(id) not found")
        } catch let error {
            throw .conflict(error.description)
        }
    }
}
