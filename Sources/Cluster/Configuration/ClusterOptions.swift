/// Every configuration key the cluster reads, with Flink's names and this project's defaults — the one place
/// where defaults live. Keys not listed here are kept and shown (as Flink does) but not interpreted.
public enum ClusterOptions {
    // MARK: JobManager and REST

    public static let jobManagerAddress = ConfigOption<String>(
        "jobmanager.rpc.address", default: "localhost", "Host the JobManager is reached at (clients fall back to it for rest.address).",
        parse: ConfigValue.string("jobmanager.rpc.address"), render: { $0 })
    public static let jobManagerPort = ConfigOption<Int>(
        "jobmanager.rpc.port", default: 6123, "Port TaskManagers register at (used once TaskManagers run in other processes).",
        parse: ConfigValue.port("jobmanager.rpc.port"), render: { "\($0)" })
    public static let restAddress = ConfigOption<String>(
        "rest.address", default: "", "Host clients send REST requests to; empty means jobmanager.rpc.address.",
        parse: { $0.trimmingCharacters(in: .whitespaces) }, render: { $0 })
    public static let restPort = ConfigOption<Int>(
        "rest.port", default: 8081, "Port of the REST API (and dashboard); 0 picks a free port.",
        parse: ConfigValue.port("rest.port"), render: { "\($0)" })
    public static let restBindAddress = ConfigOption<String>(
        "rest.bind-address", default: "127.0.0.1", "Interface the REST server binds to (0.0.0.0 for all).",
        parse: ConfigValue.string("rest.bind-address"), render: { $0 })
    public static let webRefreshInterval = ConfigOption<Int>(
        "web.refresh-interval", default: 3000, "How often the dashboard polls, in ms (served in /config).",
        parse: ConfigValue.integer("web.refresh-interval"), render: { "\($0)" })

    // MARK: TaskManagers and jobs

    public static let taskSlots = ConfigOption<Int>(
        "taskmanager.numberOfTaskSlots", default: 4, "Slots each TaskManager offers; a job needs as many as its widest vertex.",
        parse: ConfigValue.integer("taskmanager.numberOfTaskSlots", max: 1024), render: { "\($0)" })
    public static let defaultParallelism = ConfigOption<Int>(
        "parallelism.default", default: 1, "Parallelism of a job submitted without one (FLINK_PARALLELISM overrides the file).",
        parse: ConfigValue.integer("parallelism.default", max: 1024), render: { "\($0)" })
    public static let maxParallelism = ConfigOption<Int>(
        "pipeline.max-parallelism", default: 128, "Number of key groups (the upper bound of rescaling).",
        parse: ConfigValue.integer("pipeline.max-parallelism", max: 32768), render: { "\($0)" })
    public static let bufferTimeout = ConfigOption<Duration>(
        "execution.buffer-timeout", default: .milliseconds(50), "Longest a partly filled exchange buffer waits before it is sent.",
        parse: ConfigValue.duration("execution.buffer-timeout"), render: FlinkDuration.render)
    public static let bufferSize = ConfigOption<Int>(
        "execution.buffer-size", default: 1024, "Records per exchange buffer.",
        parse: ConfigValue.integer("execution.buffer-size"), render: { "\($0)" })
    public static let buffersPerChannel = ConfigOption<Int>(
        "execution.buffers-per-channel", default: 4, "Buffers an input gate holds per channel before producers block.",
        parse: ConfigValue.integer("execution.buffers-per-channel"), render: { "\($0)" })
    public static let taskCancellationTimeout = ConfigOption<Duration>(
        "task.cancellation.timeout", default: .seconds(180),
        "How long a cancelled task may take to end before its TaskManager gives up on it (abandons and counts it canceled); 0 waits forever.",
        parse: ConfigValue.duration("task.cancellation.timeout"), render: FlinkDuration.render)
    public static let taskCancellationInterval = ConfigOption<Duration>(
        "task.cancellation.interval", default: .seconds(30), "How often a cancelled task that has not ended yet is logged.",
        parse: ConfigValue.duration("task.cancellation.interval"), render: FlinkDuration.render)
    public static let jobManagerMemory = ConfigOption<String>(
        "jobmanager.memory.process.size", default: "", "Kept for Flink compatibility (FLINK_JOB_MANAGER_MEMORY); not enforced.",
        parse: { $0 }, render: { $0 })
    public static let taskManagerMemory = ConfigOption<String>(
        "taskmanager.memory.process.size", default: "", "Kept for Flink compatibility (FLINK_TASK_MANAGER_MEMORY); not enforced.",
        parse: { $0 }, render: { $0 })

    // MARK: TaskManagers in other processes

    public static let dataPort = ConfigOption<Int>(
        "taskmanager.data.port", default: 0, "Port a TaskManager receives exchanges from other TaskManagers on; 0 picks a free port.",
        parse: ConfigValue.port("taskmanager.data.port"), render: { "\($0)" })
    public static let taskManagerHost = ConfigOption<String>(
        "taskmanager.host", default: "127.0.0.1", "Address a TaskManager listens on and announces to the JobManager.",
        parse: ConfigValue.string("taskmanager.host"), render: { $0 })
    public static let heartbeatInterval = ConfigOption<Duration>(
        "heartbeat.interval", default: .seconds(10), "How often a TaskManager reports to the JobManager.",
        parse: ConfigValue.duration("heartbeat.interval"), render: FlinkDuration.render)
    public static let heartbeatTimeout = ConfigOption<Duration>(
        "heartbeat.timeout", default: .seconds(50), "Silence after which the JobManager considers a TaskManager lost.",
        parse: ConfigValue.duration("heartbeat.timeout"), render: FlinkDuration.render)
    /// Flink's key for how often the web UI's metric fetcher refreshes (Flink: 10 s, pulled by the JobManager);
    /// ours is how often each TaskManager pushes its subtasks' metrics and states. 1 s matches the dashboard's
    /// refresh (`web.refresh-interval`) and the once-a-second sampling of rates, while one report per TaskManager
    /// and second stays cheap (a few KB).
    public static let metricsUpdateInterval = ConfigOption<Duration>(
        "metrics.fetcher.update-interval", default: .seconds(1),
        "How often a TaskManager sends its subtasks' metrics and states to the JobManager (a bare number is ms).",
        parse: ConfigValue.duration("metrics.fetcher.update-interval"), render: FlinkDuration.render)
    public static let slotRequestTimeout = ConfigOption<Duration>(
        "slot.request.timeout", default: .seconds(300), "How long a restarting job waits for enough free slots before it fails.",
        parse: ConfigValue.duration("slot.request.timeout"), render: FlinkDuration.render)
    public static let savepointDirectory = ConfigOption<String>(
        "state.savepoints.dir", default: "", "Where savepoints go when a stop or savepoint names no directory (rescaling uses it too; "
            + "empty: the temporary directory). Every TaskManager must be able to read it.",
        parse: { $0.trimmingCharacters(in: .whitespaces) }, render: { $0 })

    // MARK: Security

    public static let clusterSecret = ConfigOption<String>(
        "security.cluster.secret", default: "", "Shared secret every JobManager and TaskManager must hold to connect to the RPC and data "
            + "ports (HMAC challenge-response; it never crosses the wire). Required when they bind a non-loopback address.",
        parse: { $0.trimmingCharacters(in: .whitespaces) }, render: { $0 })
    public static let clusterSecretFile = ConfigOption<String>(
        "security.cluster.secret-file", default: "", "A file holding security.cluster.secret (e.g. a Docker secret); used when that key is empty.",
        parse: { $0.trimmingCharacters(in: .whitespaces) }, render: { $0 })

    // MARK: Metrics

    public static let prometheusPort = ConfigOption<ClosedRange<Int>>(
        "metrics.reporter.prom.port", default: 9249...9249, "Port (or range, first free wins) of the Prometheus endpoint; 0 picks a free port.",
        parse: ConfigValue.portRange("metrics.reporter.prom.port"), render: PortRange.render)
    public static let prometheusHost = ConfigOption<String>(
        "metrics.reporter.prom.host", default: "", "Interface the Prometheus endpoint binds to; empty means rest.bind-address.",
        parse: { $0.trimmingCharacters(in: .whitespaces) }, render: { $0 })

    // MARK: Restart strategy (parsed and validated now; restarts come with the multi-process slice)

    public static let restartStrategyType = ConfigOption<String>(
        "restart-strategy.type", default: "none", "none | fixed-delay | exponential-delay | failure-rate.",
        parse: RestartStrategy.parseType, render: { $0 })
    public static let fixedDelayAttempts = ConfigOption<Int>(
        "restart-strategy.fixed-delay.attempts", default: 1, "Restarts before the job fails.",
        parse: ConfigValue.integer("restart-strategy.fixed-delay.attempts", min: 0), render: { "\($0)" })
    public static let fixedDelayDelay = ConfigOption<Duration>(
        "restart-strategy.fixed-delay.delay", default: .seconds(1), "Pause before each restart.",
        parse: ConfigValue.duration("restart-strategy.fixed-delay.delay"), render: FlinkDuration.render)
    public static let exponentialInitialBackoff = ConfigOption<Duration>(
        "restart-strategy.exponential-delay.initial-backoff", default: .seconds(1), "First pause.",
        parse: ConfigValue.duration("restart-strategy.exponential-delay.initial-backoff"), render: FlinkDuration.render)
    public static let exponentialMaxBackoff = ConfigOption<Duration>(
        "restart-strategy.exponential-delay.max-backoff", default: .seconds(60), "Longest pause.",
        parse: ConfigValue.duration("restart-strategy.exponential-delay.max-backoff"), render: FlinkDuration.render)
    public static let exponentialMultiplier = ConfigOption<Double>(
        "restart-strategy.exponential-delay.backoff-multiplier", default: 1.5, "Growth of the pause per failure.",
        parse: ConfigValue.double("restart-strategy.exponential-delay.backoff-multiplier", min: 1), render: { "\($0)" })
    public static let exponentialResetThreshold = ConfigOption<Duration>(
        "restart-strategy.exponential-delay.reset-backoff-threshold", default: .seconds(3600), "Quiet time after which the pause resets.",
        parse: ConfigValue.duration("restart-strategy.exponential-delay.reset-backoff-threshold"), render: FlinkDuration.render)
    public static let exponentialJitter = ConfigOption<Double>(
        "restart-strategy.exponential-delay.jitter-factor", default: 0.1, "Random share of the pause, to spread restarts.",
        parse: ConfigValue.double("restart-strategy.exponential-delay.jitter-factor"), render: { "\($0)" })
    public static let exponentialAttempts = ConfigOption<Int>(
        "restart-strategy.exponential-delay.attempts-before-reset-backoff", default: Int(Int32.max), "Restarts before the job fails.",
        parse: ConfigValue.integer("restart-strategy.exponential-delay.attempts-before-reset-backoff", min: 0), render: { "\($0)" })
    public static let failureRateMaxFailures = ConfigOption<Int>(
        "restart-strategy.failure-rate.max-failures-per-interval", default: 1, "Failures tolerated per interval.",
        parse: ConfigValue.integer("restart-strategy.failure-rate.max-failures-per-interval"), render: { "\($0)" })
    public static let failureRateInterval = ConfigOption<Duration>(
        "restart-strategy.failure-rate.failure-rate-interval", default: .seconds(60), "The interval failures are counted in.",
        parse: ConfigValue.duration("restart-strategy.failure-rate.failure-rate-interval"), render: FlinkDuration.render)
    public static let failureRateDelay = ConfigOption<Duration>(
        "restart-strategy.failure-rate.delay", default: .seconds(1), "Pause before each restart.",
        parse: ConfigValue.duration("restart-strategy.failure-rate.delay"), render: FlinkDuration.render)

    /// Every option, in the order `/jobmanager/config` and the example file list them.
    public static let all: [AnyConfigOption] = [
        AnyConfigOption(jobManagerAddress), AnyConfigOption(jobManagerPort), AnyConfigOption(restAddress),
        AnyConfigOption(restPort), AnyConfigOption(restBindAddress), AnyConfigOption(webRefreshInterval),
        AnyConfigOption(taskSlots), AnyConfigOption(defaultParallelism), AnyConfigOption(maxParallelism),
        AnyConfigOption(bufferTimeout), AnyConfigOption(bufferSize), AnyConfigOption(buffersPerChannel),
        AnyConfigOption(taskCancellationTimeout), AnyConfigOption(taskCancellationInterval),
        AnyConfigOption(jobManagerMemory), AnyConfigOption(taskManagerMemory),
        AnyConfigOption(dataPort), AnyConfigOption(taskManagerHost), AnyConfigOption(heartbeatInterval),
        AnyConfigOption(heartbeatTimeout), AnyConfigOption(metricsUpdateInterval), AnyConfigOption(slotRequestTimeout),
        AnyConfigOption(savepointDirectory), AnyConfigOption(clusterSecret), AnyConfigOption(clusterSecretFile),
        AnyConfigOption(prometheusPort), AnyConfigOption(prometheusHost),
        AnyConfigOption(restartStrategyType), AnyConfigOption(fixedDelayAttempts), AnyConfigOption(fixedDelayDelay),
        AnyConfigOption(exponentialInitialBackoff), AnyConfigOption(exponentialMaxBackoff), AnyConfigOption(exponentialMultiplier),
        AnyConfigOption(exponentialResetThreshold), AnyConfigOption(exponentialJitter), AnyConfigOption(exponentialAttempts),
        AnyConfigOption(failureRateMaxFailures), AnyConfigOption(failureRateInterval), AnyConfigOption(failureRateDelay),
    ]

    /// The seed's environment variables and the keys they set (they override the file, `-D` overrides them).
    public static let environmentVariables: [(variable: String, key: String)] = [
        ("FLINK_PARALLELISM", defaultParallelism.key),
        ("FLINK_JOB_MANAGER_MEMORY", jobManagerMemory.key),
        ("FLINK_TASK_MANAGER_MEMORY", taskManagerMemory.key),
    ]
}
