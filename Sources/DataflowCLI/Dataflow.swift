import ArgumentParser
import Dataflow
import Foundation
import Jobs
import Runtime

struct DataflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataflow",
        abstract: "A Flink-compatible stream job runner.",
        discussion: """
            Jobs are Swift code compiled into this binary and declared in jobs.yaml with their parallelism and \
            parameters. Start a cluster with `dataflow cluster`, submit with `dataflow run JOB`, follow with \
            `dataflow list` and stop with `dataflow cancel JOBID` (Flink's -m HOST:PORT picks the JobManager). \
            Run a job in this process with `dataflow run JOB --local`; print its plan with `dataflow info JOB`.
            """,
        subcommands: [Run.self, Info.self, ListJobs.self, ClusterCommand.self, JobManagerCommand.self, TaskManagerCommand.self,
                      ListCommand.self, CancelCommand.self, StopCommand.self, SavepointCommand.self, ModifyCommand.self])
}

/// Options shared by the commands that resolve a job from jobs.yaml.
struct JobOptions: ParsableArguments {
    @Argument(help: "The job's name in jobs.yaml (or a compiled job's name).")
    var job: String

    @Option(name: .shortAndLong, help: "Parallelism of the job's stages (overrides jobs.yaml and parallelism.default).")
    var parallelism: Int?

    @Option(name: .customShort("D"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("A job parameter (input=PATH) or a configuration key (parallelism.default=2).", valueName: "key=value"))
    var properties: [String] = []

    @Option(name: .long, help: "The jobs file.")
    var jobs: String = JobsFile.defaultPath

    func validate() throws {
        if let parallelism, parallelism < 1 { throw ValidationError("-p must be at least 1") }
    }

    /// The job, built with parameters from jobs.yaml overridden by -D, and the configuration to run it with.
    func resolve() throws -> (job: Job, definition: JobDefinition, configuration: DataflowConfiguration, parallelism: Int?) {
        let file = try JobsFile(path: jobs)
        let entry = try file.entry(job)
        guard let definition = JobCatalog.named(entry.job) else {
            throw CLIError("\(jobs): job '\(entry.name)' refers to '\(entry.job)', which is not compiled into this binary "
                + "(compiled: \(JobCatalog.all.map(\.name).joined(separator: ", ")))")
        }
        let (config, overrides) = try splitDynamicProperties(properties)
        var configuration = DataflowConfiguration()
        if let env = ProcessInfo.processInfo.environment["FLINK_PARALLELISM"], let p = Int(env), p > 0 { configuration.defaultParallelism = p }
        try configuration.apply(config)
        let parameters = entry.parameters.merging(overrides) { _, new in new }
        let job = try definition.make(entry.name, JobParameters(parameters))
        // -D parallelism.default here is the command line's, like -p; FLINK_PARALLELISM is the configuration's.
        let commandLine = parallelism ?? config["parallelism.default"].map { _ in configuration.defaultParallelism }
        return (job, definition, configuration, ParallelismPrecedence.requested(commandLine: commandLine, job: entry.parallelism))
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a job: submit it to a JobManager, or run it in this process with --local.",
        discussion: """
            Without --local the job is submitted by name to the JobManager's REST API (-m HOST:PORT, else the \
            configured rest.address and rest.port), which resolves it from its own jobs.yaml with the -p and -D \
            given here. The command waits for the job to end and prints its result, or with -d returns once it runs.
            With --local the job runs in this process, every subtask on its own thread, and the command returns \
            when a bounded job finishes (Ctrl-C cancels it). Examples:
              dataflow run clip-detector-replay -m 127.0.0.1:8081 -p 2 -d
              dataflow run clip-detector-replay --local -p 4 -D input=chat.jsonl.zst -D output=out
            """)

    @OptionGroup var options: JobOptions

    @Flag(help: "Run in this process instead of submitting to a JobManager.")
    var local = false

    @Flag(help: "Print no progress line, even on a terminal.")
    var quiet = false

    @Option(name: [.customShort("m"), .customLong("jobmanager")], help: "The JobManager's REST address, HOST:PORT.")
    var jobManager: String?

    @Flag(name: [.customShort("d"), .customLong("detached")], help: "Return once the job runs instead of waiting for its end.")
    var detached = false

    @Option(name: .customLong("config"), help: "The cluster configuration file (Flink's keys; for the REST address).")
    var configFile: String?

    @Option(name: [.customShort("s"), .customLong("fromSavepoint")], help: "Start from this savepoint (`dataflow stop` prints its path).")
    var fromSavepoint: String?

    @Flag(name: [.customShort("n"), .customLong("allowNonRestoredState")],
          help: "Skip savepoint state of stages the job no longer has.")
    var allowNonRestoredState = false

    func validate() throws {
        if local && (jobManager != nil || detached) { throw ValidationError("-m and -d submit to a JobManager; they do not go with --local") }
    }

    func run() async throws {
        guard local else {
            try await RemoteRun(options: options, jobManager: jobManager, detached: detached, configFile: configFile,
                                fromSavepoint: fromSavepoint.map(absolutePath), allowNonRestoredState: allowNonRestoredState).run()
            return
        }
        let (job, definition, configuration, parallelism) = try options.resolve()
        let restore = try fromSavepoint.map { SavepointRestore(savepoint: try Savepoint.read($0), allowNonRestoredState: allowNonRestoredState) }
        let execution = try LocalExecutor(configuration: configuration).submit(job, parallelism: parallelism, restore: restore)

        signal(SIGINT, SIG_IGN)
        let sigint = DispatchSource.makeSignalSource(signal: SIGINT)
        sigint.setEventHandler { execution.cancel() }
        sigint.resume()

        let showProgress = !quiet && isatty(STDERR_FILENO) == 1
        let progress = Task {
            guard showProgress else { return }
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                let metrics = execution.stageMetrics()
                let sourceStages = job.graph.nodes.filter { $0.kind == .source }.map(\.name)
                let read = sourceStages.reduce(0) { $0 + (metrics[$1]?["numRecordsOut"] ?? 0) }
                let wm = metrics.filter { !sourceStages.contains($0.key) }.compactMap { $0.value["currentInputWatermark"] }.min()
                let secs = max(Double(execution.elapsedMillis) / 1000, 0.001)
                FileHandle.standardError.write(Data(
                    "\r\u{1B}[K\(job.name): \(read) records, \(Int(Double(read) / secs)) records/s, watermark \(formatWatermark(wm))".utf8))
            }
        }
        let result = await execution.completion()
        progress.cancel()
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        sigint.cancel()
        print(summary(result, definition: definition))
        if let failure = result.failure { throw CLIError(failure) }
        if result.status == .canceled { throw ExitCode(130) }
    }

    func summary(_ r: JobResult, definition: JobDefinition) -> String {
        var parts = definition.reportedMetrics.map { "\($0.label) \(r.metric($0.stage, $0.metric))" }
        let secs = Double(r.durationMillis) / 1000
        let records = r.metric(definition.reportedMetrics.first?.stage ?? "", "numRecordsOut")
        parts.append(String(format: "elapsed %.3f s", secs))
        parts.append("\(Int(Double(records) / max(secs, 0.001))) records/s")
        return "\(r.status.rawValue) \(options.job) (\(r.jobID)): " + parts.joined(separator: ", ")
    }
}

func formatWatermark(_ wm: Int64?) -> String {
    guard let wm, wm > Int64.min, wm < Int64.max else { return wm == Int64.max ? "end of input" : "none" }
    let f = ISO8601DateFormatter()
    return f.string(from: Date(timeIntervalSince1970: Double(wm) / 1000))
}

struct Info: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a job's execution plan as Flink's plan JSON (chained tasks, parallelism, ship strategies).")

    @OptionGroup var options: JobOptions

    func run() async throws {
        let (job, _, configuration, parallelism) = try options.resolve()
        let graph = try JobGraph(job: job, configuration: configuration, parallelism: parallelism)
        print(graph.planJSON(jobID: JobID(raw: .derived(from: job.name))))
    }
}

struct ListJobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "List the jobs in jobs.yaml and the compiled jobs.")

    @Option(name: .long, help: "The jobs file.")
    var jobs: String = JobsFile.defaultPath

    func run() async throws {
        let file = try JobsFile(path: jobs)
        for e in file.entries.values.sorted(by: { $0.name < $1.name }) {
            let p = e.parallelism.map { " -p \($0)" } ?? ""
            print("\(e.name)\(p)  (\(e.job))  \(e.description ?? JobCatalog.named(e.job)?.summary ?? "")")
        }
    }
}
