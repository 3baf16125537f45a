import Dataflow

/// Turns the cluster's state into Prometheus families with Flink's reporter names and labels
/// (reference/flink-prometheus-jm.txt, -tm.txt): `jobmanager` (host), `jobmanager_job` (+ job_id, job_name),
/// `taskmanager` (host, tm_id), `taskmanager_job_task` (+ job and task_id, task_name, task_attempt_id,
/// task_attempt_num, subtask_index) and `taskmanager_job_task_operator` (+ operator_id, operator_name), where the
/// runtime's per-stage metrics and the jobs' own counters (`anomalies_detected`) appear. Labels are a fixed set per
/// scope, so two variables can never map to one label name (the duplicate Flink's reporter guards against).
/// Metrics of ended jobs disappear, as Flink closes their metric groups.
public struct PrometheusReporter: Sendable {
    public let jobManager: JobManager
    private let statistics = ProcessStatisticsSampler()

    public init(jobManager: JobManager) {
        self.jobManager = jobManager
    }

    public func scrape() -> String { PrometheusText.render(families()) }

    public func families() -> [PrometheusFamily] {
        var out = PrometheusFamilies()
        let host = jobManager.configuration[ClusterOptions.jobManagerAddress]
        let jmLabels = [("host", host)]
        let jobs = jobManager.jobs().filter { !$0.state.isTerminal }

        out.add(scope: "jobmanager", metric: "numRunningJobs", labels: jmLabels, value: Double(jobs.count))
        out.add(scope: "jobmanager", metric: "taskSlotsAvailable", labels: jmLabels, value: Double(jobManager.slotsAvailable))
        out.add(scope: "jobmanager", metric: "taskSlotsTotal", labels: jmLabels, value: Double(jobManager.slotsTotal))
        out.add(scope: "jobmanager", metric: "numRegisteredTaskManagers", labels: jmLabels, value: Double(jobManager.taskManagers.count))
        let process = statistics.sample()
        for (id, value) in process.metricValues { out.add(scope: "jobmanager", metric: id, labels: jmLabels, value: value) }

        for job in jobs {
            let jobLabels = [("job_id", job.id.description), ("host", host), ("job_name", job.name)]
            for (id, value) in job.jobMetricValues { out.add(scope: "jobmanager_job", metric: id, labels: jobLabels, value: value) }
        }

        for tm in jobManager.taskManagers {
            let r = tm.registration
            let tmLabels = [("host", r.host), ("tm_id", r.id.description)]
            for (id, value) in tm.heartbeat().process.metricValues { out.add(scope: "taskmanager", metric: id, labels: tmLabels, value: value) }
            for job in jobs where job.taskManager?.id == r.id { addTasks(of: job, host: r.host, tm: r.id, to: &out) }
        }
        return out.all
    }

    private func addTasks(of job: JobSnapshot, host: String, tm: TaskManagerID, to out: inout PrometheusFamilies) {
        let graph = job.graph
        for (v, vertex) in graph.vertices.enumerated() {
            let taskName = graph.name(of: v)
            for i in 0..<vertex.parallelism {
                let attempt = HexID.derived(from: "\(job.id)/\(vertex.id)/\(i)/0")
                let taskLabels = [("job_id", job.id.description), ("task_id", vertex.id.description), ("task_attempt_id", attempt.description),
                                  ("host", host), ("task_name", taskName), ("task_attempt_num", "0"), ("job_name", job.name),
                                  ("tm_id", tm.description), ("subtask_index", "\(i)")]
                for (metric, value) in job.metrics.taskValues(vertex: v, subtask: i).sorted(by: { $0.key < $1.key }) {
                    out.add(scope: "taskmanager_job_task", metric: metric, labels: taskLabels, value: value)
                }
                for node in vertex.nodes {
                    // The chain's head shares the task's id, as in Flink; the others get ids derived from their names.
                    let operatorID = node == vertex.head ? vertex.id.raw : HexID.derived(from: graph.jobName + "/" + graph.node(node).name)
                    let labels = taskLabels + [("operator_id", operatorID.description), ("operator_name", OperatorName.of(graph.node(node)))]
                    let histograms = job.metrics.histograms(node: node, subtask: i)
                    for (metric, value) in job.metrics.operatorMetricValues(node: node, subtask: i).sorted(by: { $0.key < $1.key })
                    where !HistogramNames.isPart(metric, of: histograms.keys) {
                        out.add(scope: "taskmanager_job_task_operator", metric: metric, labels: labels, value: value)
                    }
                    for (metric, statistics) in histograms.sorted(by: { $0.key < $1.key }) {
                        out.addSummary(scope: "taskmanager_job_task_operator", metric: metric, labels: labels, statistics: statistics)
                    }
                }
            }
        }
    }
}
