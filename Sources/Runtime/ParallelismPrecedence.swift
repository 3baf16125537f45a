/// Which parallelism a job runs at, in Flink's order: the submitter's `-p` (or `-D parallelism.default` on its command
/// line) over the job's own setting (its `jobs.yaml` entry) over the cluster's `parallelism.default` (set by
/// `FLINK_PARALLELISM`). So a job that declares a parallelism ignores FLINK_PARALLELISM unless `-p` says otherwise.
public enum ParallelismPrecedence {
    /// The submitter's and the job's choice; nil leaves it to the cluster.
    public static func requested(commandLine: Int?, job: Int?) -> Int? { commandLine ?? job }

    public static func effective(commandLine: Int?, job: Int?, clusterDefault: Int) -> Int {
        requested(commandLine: commandLine, job: job) ?? clusterDefault
    }
}
