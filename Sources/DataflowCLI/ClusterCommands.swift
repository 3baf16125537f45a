import ArgumentParser
import Cluster
import Dataflow
import Foundation
import HTTPConnector
import Jobs
import Logging
import Runtime

// The cluster side of the command line: `cluster` starts a JobManager with a TaskManager; `run` (without --local),
// `list` and `cancel` talk to a JobManager through its REST API only, with Flink's flags and output.

/// Where the JobManager's REST API is: `-m HOST:PORT`, else `rest.address`:`rest.port` from the configuration
/// (file, environment, `-D`).
struct JobManagerTarget {
    let address: String

    init(explicit: String?, configFile: String?, dynamicProperties: [String: String]) throws {
        if let explicit {
            address = explicit
        } else {
            let configuration = try ConfigurationLoader.load(file: configFile, environment: ProcessInfo.processInfo.environment,
                                                             dynamicProperties: dynamicProperties)
            address = "\(configuration.restAddress):\(configuration.restPort)"
        }
    }

    func client() throws -> ClusterClient {
        ClusterClient(rest: RESTClient(address: address, http: try HTTPClient()))
    }

    /// Adds what to do when the JobManager cannot be reached or is not ours.
    func explain(_ error: Error) -> CLIError {
        switch error as? RESTClientError {
        case .unreachable?:
            return CLIError("\(error)\nStart a cluster with `dataflow cluster`, pass its address with -m HOST:PORT, "
                + "or run the job in this process with --local.")
        case .server(404, _)?:
            return CLIError("\(error)\nThe server at \(address) does not accept jobs by name: is it a Dataflow JobManager? "
                + "(-m HOST:PORT picks another; --local runs the job in this process.)")
        default:
            return CLIError("\(error)")
        }
    }
}

/// `dataflow run JOB` without --local: submit by name, then wait for the end (or return with -d).
struct RemoteRun {
    let options: JobOptions
    let jobManager: String?
    let detached: Bool
    let configFile: String?
    var fromSavepoint: String? = nil
    var allowNonRestoredState = false

    func run() async throws {
        let (config, parameters) = try splitDynamicProperties(options.properties)
        let target = try JobManagerTarget(explicit: jobManager, configFile: configFile, dynamicProperties: config)
        var parallelism = options.parallelism
        if parallelism == nil, let p = config["parallelism.default"] {
            guard let v = Int(p), v >= 1 else { throw CLIError("parallelism.default must be a positive integer, not '\(p)'") }
            parallelism = v
        }
        // Other keys configure a cluster, not one submitted job: say so rather than drop them silently.
        let addressing: Set = ["rest.address", "rest.port", "jobmanager.rpc.address", "parallelism.default"]
        let ignored = config.keys.filter { !addressing.contains($0) }.sorted()
        if !ignored.isEmpty {
            FileHandle.standardError.write(Data("warning: \(ignored.joined(separator: ", ")) configure the cluster (set them where it starts); ignored here\n".utf8))
        }
        let client = try target.client()
        let id: JobID
        do {
            id = try await client.submit(JobSubmission(job: options.job, parallelism: parallelism, parameters: parameters,
                                                       savepointPath: fromSavepoint, allowNonRestoredState: allowNonRestoredState ? true : nil))
        } catch {
            throw target.explain(error)
        }
        print(FlinkCLIOutput.submitted(id.description))
        guard !detached else { return }

        let result: JobExecutionResultResponse.Result
        do { result = try await client.waitForResult(id) } catch { throw target.explain(error) }
        let totals = (try? await client.operatorTotals(id)) ?? [:]
        switch result.applicationStatus {
        case "SUCCEEDED":
            print(FlinkCLIOutput.finished(id.description, runtimeMillis: result.netRuntime))
            print(summary("FINISHED", id: id, runtime: result.netRuntime, totals: totals))
        case "CANCELED":
            print(summary("CANCELED", id: id, runtime: result.netRuntime, totals: totals))
            throw ExitCode(130)
        default:
            print(summary("FAILED", id: id, runtime: result.netRuntime, totals: totals))
            throw CLIError(result.failureCause?.stackTrace ?? "job \(id) failed")
        }
    }

    /// The same one-line summary as a local run: the job's reported counters, elapsed time and records/s.
    func summary(_ state: String, id: JobID, runtime: Int64, totals: [String: [String: Double]]) -> String {
        func total(_ stage: String, _ metric: String) -> Int64 {
            for op in [stage, "Source__\(stage)", "\(stage)__Writer"] { if let v = totals[op]?[metric] { return Int64(v) } }
            return 0
        }
        let definition = (try? JobsFile(path: options.jobs).entry(options.job)).flatMap { JobCatalog.named($0.job) }
            ?? JobCatalog.named(options.job)
        var parts = (definition?.reportedMetrics ?? []).map { "\($0.label) \(total($0.stage, $0.metric))" }
        let secs = Double(runtime) / 1000
        parts.append(String(format: "elapsed %.3f s", secs))
        if let first = definition?.reportedMetrics.first {
            parts.append("\(Int(Double(total(first.stage, first.metric)) / max(secs, 0.001))) records/s")
        }
        return "\(state) \(options.job) (\(id)): " + parts.joined(separator: ", ")
    }
}

/// How `list` and `cancel` find the JobManager: `-m`, else the configuration file and `-D` keys (as `flink` does).
struct JobManagerAddressOptions: ParsableArguments {
    @Option(name: [.customShort("m"), .customLong("jobmanager")], help: "The JobManager's REST address, HOST:PORT.")
    var jobManager: String?
    @Option(name: .customLong("config"), help: "The cluster configuration file (for the REST address).")
    var configFile: String?
    @Option(name: .customShort("D"), parsing: .unconditionalSingleValue, help: ArgumentHelp("A configuration key.", valueName: "key=value"))
    var properties: [String] = []

    func target() throws -> JobManagerTarget {
        try JobManagerTarget(explicit: jobManager, configFile: configFile,
                             dynamicProperties: try ConfigurationLoader.parseDynamicProperties(properties))
    }
}

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the JobManager's jobs, as `flink list` does (running and scheduled by default).")

    @Flag(name: [.customShort("r"), .customLong("running")], help: "Only running (and restarting) jobs.")
    var running = false
    @Flag(name: [.customShort("s"), .customLong("scheduled")], help: "Only scheduled jobs.")
    var scheduled = false
    @Flag(name: [.customShort("a"), .customLong("all")], help: "All jobs, terminated ones too.")
    var all = false
    @OptionGroup var address: JobManagerAddressOptions

    func run() async throws {
        let target = try address.target()
        print("Waiting for response...")
        let jobs: [JobDetails]
        do { jobs = try await target.client().jobs() } catch { throw target.explain(error) }
        print(FlinkCLIOutput.list(jobs, selection: .init(running: running, scheduled: scheduled, all: all)))
    }
}

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a running job, as `flink cancel` does.")

    @Argument(help: "The job's id (32 hex digits, as `dataflow list` shows it).")
    var jobID: String
    @OptionGroup var address: JobManagerAddressOptions

    func run() async throws {
        guard let id = JobID(hex: jobID.lowercased()) else {
            throw CLIError("'\(jobID)' is not a job id: a job id is 32 hexadecimal digits (see `dataflow list`)")
        }
        let target = try address.target()
        print(FlinkCLIOutput.cancelling(id.description))
        do { try await target.client().cancel(id) } catch { throw target.explain(error) }
        print(FlinkCLIOutput.cancelled(id.description))
    }
}

struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Start a JobManager and one TaskManager in this process (Flink's start-cluster); runs until SIGTERM or Ctrl-C.",
        discussion: """
            The REST API listens on rest.bind-address:rest.port (default 127.0.0.1:8081), Prometheus metrics on \
            metrics.reporter.prom.port (default 9249). Jobs are submitted by name and resolved from --jobs (default \
            jobs.yaml, re-read on every submission) and the jobs compiled into this binary. On SIGTERM or Ctrl-C \
            running jobs are cancelled before the servers stop.
            """)

    @Option(name: .customLong("config"), help: "The configuration file (default: $FLINK_CONF_DIR/config.yaml or configs/flink-conf.yaml).")
    var configFile: String?
    @Option(name: .customShort("D"), parsing: .unconditionalSingleValue, help: ArgumentHelp("A configuration key.", valueName: "key=value"))
    var properties: [String] = []
    @Option(name: .long, help: "The jobs file the cluster resolves submissions from.")
    var jobs: String = JobsFile.defaultPath
    @Flag(name: .long, help: "Print an example configuration file with every key and its default, and exit.")
    var printExampleConfig = false

    func run() async throws {
        if printExampleConfig {
            print(ExampleConfiguration.yaml, terminator: "")
            return
        }
        let started = ContinuousClock.now
        let configuration = try ConfigurationLoader.load(file: configFile, environment: ProcessInfo.processInfo.environment,
                                                         dynamicProperties: try ConfigurationLoader.parseDynamicProperties(properties))
        var logger = Logger(label: "dataflow.cluster")
        logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"]?.lowercased() ?? "") ?? .info
        let catalog = ClusterJobResolver(jobsPath: jobs)
        let cluster = LocalCluster(configuration: configuration, resolver: catalog.resolve, catalog: catalog.entries, logger: logger)
        let group = cluster.serviceGroup(handlingSignals: true, logger: logger)
        let announce = Task {
            do {
                let rest = try await cluster.rest.address.port(), metrics = try await cluster.metrics.address.port()
                let ready = started.duration(to: .now)
                let millis = ready.components.seconds * 1000 + ready.components.attoseconds / 1_000_000_000_000_000
                let restHost = configuration.restBindAddress, metricsHost = configuration.prometheusBindAddress
                // Written at once (not through print's buffer), so that a script waiting for it sees it.
                FileHandle.standardOutput.write(Data("""
                    Cluster started: JobManager with 1 TaskManager (\(cluster.taskManager.registration.id), \
                    \(configuration.taskSlots) slots), ready in \(millis) ms.
                    REST API:           http://\(restHost):\(rest)  (e.g. dataflow list -m \(restHost):\(rest))
                    Prometheus metrics: http://\(metricsHost):\(metrics)/metrics
                    Stop with Ctrl-C or SIGTERM (running jobs are cancelled).

                    """.utf8))
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
            }
        }
        defer { announce.cancel() }
        try await group.run()
    }
}

struct JobManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobmanager",
        abstract: "Start a JobManager that TaskManagers in other processes join (dataflow taskmanager); runs until SIGTERM or Ctrl-C.",
        discussion: """
            TaskManagers register at jobmanager.rpc.address:jobmanager.rpc.port (default localhost:6123; 0 picks a free \
            port). The REST API listens on rest.bind-address:rest.port, Prometheus metrics on metrics.reporter.prom.port. \
            A job's slots may span TaskManagers; a failed task or a lost TaskManager restarts the job per restart-strategy.*.
            """)

    @Option(name: .customLong("config"), help: "The configuration file (default: $FLINK_CONF_DIR/config.yaml or configs/flink-conf.yaml).")
    var configFile: String?
    @Option(name: .customShort("D"), parsing: .unconditionalSingleValue, help: ArgumentHelp("A configuration key.", valueName: "key=value"))
    var properties: [String] = []
    @Option(name: .long, help: "The jobs file the JobManager resolves submissions from.")
    var jobs: String = JobsFile.defaultPath

    func run() async throws {
        let started = ContinuousClock.now
        let configuration = try ConfigurationLoader.load(file: configFile, environment: ProcessInfo.processInfo.environment,
                                                         dynamicProperties: try ConfigurationLoader.parseDynamicProperties(properties))
        let logger = clusterLogger("dataflow.jobmanager")
        let catalog = ClusterJobResolver(jobsPath: jobs)
        let jm = StandaloneJobManager(configuration: configuration, resolver: catalog.resolve, catalog: catalog.entries, logger: logger)
        let announce = Task {
            do {
                let rpc = try await jm.rpc.address.port(), rest = try await jm.rest.address.port(), metrics = try await jm.metrics.address.port()
                let ready = started.duration(to: .now)
                let millis = ready.components.seconds * 1000 + ready.components.attoseconds / 1_000_000_000_000_000
                let restHost = configuration.restBindAddress
                FileHandle.standardOutput.write(Data("""
                    JobManager started in \(millis) ms.
                    RPC endpoint:       \(jm.rpc.address.host):\(rpc)  (dataflow taskmanager -D jobmanager.rpc.port=\(rpc))
                    REST API:           http://\(restHost):\(rest)
                    Prometheus metrics: http://\(configuration.prometheusBindAddress):\(metrics)/metrics

                    """.utf8))
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
            }
        }
        defer { announce.cancel() }
        try await jm.serviceGroup(handlingSignals: true, logger: logger).run()
    }
}

struct TaskManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskmanager",
        abstract: "Start a TaskManager that registers its slots with a JobManager (dataflow jobmanager); runs until SIGTERM or Ctrl-C.",
        discussion: """
            It registers at jobmanager.rpc.address:jobmanager.rpc.port with taskmanager.numberOfTaskSlots slots and \
            receives records from other TaskManagers on taskmanager.data.port (0: a free port). Jobs are resolved from \
            --jobs, which must match the JobManager's.
            """)

    @Option(name: .customLong("config"), help: "The configuration file (default: $FLINK_CONF_DIR/config.yaml or configs/flink-conf.yaml).")
    var configFile: String?
    @Option(name: .customShort("D"), parsing: .unconditionalSingleValue, help: ArgumentHelp("A configuration key.", valueName: "key=value"))
    var properties: [String] = []
    @Option(name: .long, help: "The jobs file (the same as the JobManager's).")
    var jobs: String = JobsFile.defaultPath

    func run() async throws {
        let configuration = try ConfigurationLoader.load(file: configFile, environment: ProcessInfo.processInfo.environment,
                                                         dynamicProperties: try ConfigurationLoader.parseDynamicProperties(properties))
        let logger = clusterLogger("dataflow.taskmanager")
        let runner = try TaskManagerRunner(configuration: configuration, resolver: ClusterJobResolver(jobsPath: jobs).resolve, logger: logger)
        FileHandle.standardOutput.write(Data("TaskManager \(runner.id) started: data port \(runner.network.dataPort), \(configuration.taskSlots) slots.\n".utf8))
        let announce = Task {
            if let metrics = try? await runner.metrics.address.port() {
                FileHandle.standardOutput.write(Data("Prometheus metrics: http://\(runner.metrics.address.host):\(metrics)/metrics\n".utf8))
            }
        }
        defer { announce.cancel() }
        try await runner.serviceGroup(handlingSignals: true, logger: logger).run()
    }
}

func clusterLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"]?.lowercased() ?? "") ?? .info
    return logger
}

/// The cluster's job catalog: `jobs.yaml` entries (re-read on every submission, so an edit applies to the next
/// run) over the jobs compiled into this binary.
struct ClusterJobResolver: Sendable {
    let jobsPath: String

    func resolve(_ submission: JobSubmission) throws -> ResolvedJob {
        let file = FileManager.default.fileExists(atPath: jobsPath) ? try JobsFile(path: jobsPath) : nil
        let entry = try file?.entry(submission.job) ?? JobsFile.compiledEntry(submission.job)
        guard let definition = JobCatalog.named(entry.job) else {
            throw CLIError("job '\(entry.name)' refers to '\(entry.job)', which is not compiled into this binary "
                + "(compiled: \(JobCatalog.all.map(\.name).joined(separator: ", ")))")
        }
        let parameters = entry.parameters.merging(submission.parameters) { _, new in new }
        let job = try definition.make(entry.name, JobParameters(parameters))
        return ResolvedJob(job: job, parallelism: ParallelismPrecedence.requested(commandLine: submission.parallelism, job: entry.parallelism),
                           parameters: parameters)
    }

    /// The jobs.yaml entries, then the compiled jobs no entry names.
    func entries() -> [CatalogEntry] {
        let file = try? JobsFile(path: jobsPath)
        var out = (file?.entries.values.sorted { $0.name < $1.name } ?? []).map { e in
            CatalogEntry(name: e.name, summary: e.description ?? JobCatalog.named(e.job)?.summary ?? "", parallelism: e.parallelism,
                         parameters: e.parameters)
        }
        let named = Set(out.map(\.name))
        for d in JobCatalog.all where !named.contains(d.name) {
            out.append(CatalogEntry(name: d.name, summary: d.summary, parallelism: nil, parameters: [:]))
        }
        return out
    }
}
