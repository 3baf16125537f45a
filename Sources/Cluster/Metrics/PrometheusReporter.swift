import Dataflow
import Runtime

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
            // Each subtask under the TaskManager that runs it (the one holding the job's slot of its index).
            for job in jobs {
                Self.addTasks(jobID: job.id, jobName: job.name, graph: job.graph, metrics: job.metrics, host: r.host, tm: r.id,
                              runsHere: { job.location(ofSubtask: $0)?.id == r.id }, to: &out)
            }
        }
        return out.all
    }

    /// The task and operator metrics of the subtasks `runsHere` selects (by subtask index), labelled with the
    /// TaskManager `tm` on `host`.
    static func addTasks(jobID: JobID, jobName: String, graph: JobGraph, metrics: JobMetrics, host: String, tm: TaskManagerID,
                         runsHere: (Int) -> Bool, to out: inout PrometheusFamilies) {
        for (v, vertex) in graph.vertices.enumerated() {
            let taskName = graph.name(of: v)
            for i in 0..<vertex.parallelism where runsHere(i) {
                let attempt = HexID.derived(from: "\(jobID)/\(vertex.id)/\(i)/0")
                let taskLabels = [("job_id", jobID.description), ("task_id", vertex.id.description), ("task_attempt_id", attempt.description),
                                  ("host", host), ("task_name", taskName), ("task_attempt_num", "0"), ("job_name", jobName),
                                  ("tm_id", tm.description), ("subtask_index", "\(i)")]
                for (metric, value) in metrics.taskValues(vertex: v, subtask: i).sorted(by: { $0.key < $1.key }) {
                    out.add(scope: "taskmanager_job_task", metric: metric, labels: taskLabels, value: value)
                }
                for node in vertex.nodes {
                    // The chain's head shares the task's id, as in Flink; the others get ids derived from their names.
                    let operatorID = node == vertex.head ? vertex.id.raw : HexID.derived(from: graph.jobName + "/" + graph.node(node).name)
                    let labels = taskLabels + [("operator_id", operatorID.description), ("operator_name", OperatorName.of(graph.node(node)))]
                    let histograms = metrics.histograms(node: node, subtask: i)
                    for (metric, value) in metrics.operatorMetricValues(node: node, subtask: i).sorted(by: { $0.key < $1.key })
                    where !HistogramNames.isPart(metric, of: histograms.keys) {
                        let (name, variables) = KeyValueGroup.split(metric)
                        out.add(scope: "taskmanager_job_task_operator", metric: name, labels: labels + variables, value: value)
                    }
                    for (metric, statistics) in histograms.sorted(by: { $0.key < $1.key }) {
                        out.addSummary(scope: "taskmanager_job_task_operator", metric: metric, labels: labels, statistics: statistics)
                    }
                }
            }
        }
    }
}

/// Flink's key-value metric groups (`addGroup(key, value)`): a metric registered as `key.value.name` (its REST id) is
/// exported as Flink's reporter does, `…_key_name{key="value"}` — the key joins the name, the value is a label.
enum KeyValueGroup {
    static func split(_ metric: String) -> (name: String, variables: [(String, String)]) {
        let parts = metric.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { return (metric, []) }
        return ("\(parts[0])_\(parts[2])", [(String(parts[0]), String(parts[1]))])
    }
}
