import Dataflow
import Runtime
import Synchronization

/// The Prometheus view of one TaskManager process (`dataflow taskmanager`), as Flink's reporter in a TaskManager
/// shows it: the process (`taskmanager` scope) and only the subtasks running in this TaskManager's slots
/// (`taskmanager_job_task`, `taskmanager_job_task_operator`), labelled with its own host and tm_id.
final class TaskManagerPrometheusReporter: Sendable {
    /// A job attempt running here, and which of its subtask indexes (= slots) are this TaskManager's.
    struct RunningAttempt: Sendable {
        let execution: JobExecution
        let runsHere: @Sendable (Int) -> Bool
    }

    private let id: TaskManagerID
    private let host: String
    private let running: @Sendable () -> [RunningAttempt]
    private let statistics = ProcessStatisticsSampler()
    private let rates = RateMeter()
    /// Jobs whose rates are tracked, so an ended one's history is dropped.
    private let tracked = Mutex<Set<JobID>>([])

    init(id: TaskManagerID, host: String, running: @escaping @Sendable () -> [RunningAttempt]) {
        self.id = id
        self.host = host
        self.running = running
    }

    func scrape() -> String { PrometheusText.render(families()) }

    func families() -> [PrometheusFamily] {
        var out = PrometheusFamilies()
        let labels = [("host", host), ("tm_id", id.description)]
        for (metric, value) in statistics.sample().metricValues { out.add(scope: "taskmanager", metric: metric, labels: labels, value: value) }
        let now = WallClock.millis()
        let attempts = running().filter { !$0.execution.status.isTerminal }
        let gone = tracked.withLock { t in
            let current = Set(attempts.map(\.execution.jobID))
            defer { t = current }
            return t.subtracting(current)
        }
        for job in gone { rates.forget(job) }
        for attempt in attempts {
            let e = attempt.execution
            var metrics = JobMetrics(graph: e.graph, subtaskMetrics: e.subtaskMetrics())
            metrics.rates = rates.observe(e.jobID, values: metrics.rateInputs, now: now, runningSince: nil)
            PrometheusReporter.addTasks(jobID: e.jobID, jobName: e.graph.jobName, graph: e.graph, metrics: metrics, host: host, tm: id,
                                        runsHere: attempt.runsHere, to: &out)
        }
        return out.all
    }
}
