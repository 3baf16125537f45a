import Cluster
import Dataflow
import Foundation
import Jobs

/// The catalog of the test cluster: the real clip detector on the chat-s7 fixture, a job that runs until cancelled
/// (with a chain, two keyed exchanges, windows, a user counter), and one that fails.
enum TestJobs {
    struct Event: Sendable {
        var key: String
        var ts: Int64
    }

    /// Counts what passes through it with a user counter, as the clip detector counts `anomalies_detected`.
    final class Tally: KeyedProcessFunction {
        typealias Key = String
        typealias Input = WindowResult<String, Int>
        typealias Output = WindowResult<String, Int>
        private var tallied = Counter()
        private var metrics = MetricGroup()
        /// Per key too, as a Flink key-value group (`key.<key>.windows_tallied`), as the clip detector counts per channel.
        private var talliedPerKey: [String: Counter] = [:]
        func open(context: RuntimeContext, state: KeyedStateStore<String>) throws {
            tallied = context.metrics.counter("windows_tallied")
            metrics = context.metrics
        }
        func processElement(_ value: WindowResult<String, Int>, _ ctx: ProcessContext<String, WindowResult<String, Int>>) throws {
            tallied.increment()
            if talliedPerKey[value.key] == nil { talliedPerKey[value.key] = metrics.counter("key.\(value.key).windows_tallied") }
            talliedPerKey[value.key]?.increment()
            try ctx.collect(value)
        }
    }

    struct Boom: Error, CustomStringConvertible { var description: String { "boom at record 100" } }

    /// 5000 events over 5 seconds of event time, then the source stays open: windows up to 4 s fire, the
    /// watermark holds at 4998, and the job runs until cancelled.
    static func endless(name: String) throws -> Job {
        try Job(name) {
            Source("events", CollectionSource((0..<5000).map { Event(key: "k\($0 % 7)", ts: Int64($0)) }, staysOpen: true),
                   watermarks: .boundedOutOfOrderness(.zero, emit: .perRecord) { $0.ts })
            Filter<Event>("keep-all") { _ in true }.parallelism(1)
            KeyBy(\Event.key).window("counts", .tumbling(size: .seconds(1)), aggregate: Count())
            KeyBy(\WindowResult<String, Int>.key).process("tally") { Tally() }
            Sink("out", DiscardingSink<WindowResult<String, Int>>())
        }
    }

    /// A sink that takes 1 ms per 20 records: far slower than the generator, so the upstream task is backpressured.
    struct SlowSink: SinkConnector {
        var description: String { "slow" }
        func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<String> { Writer() }
        final class Writer: SinkWriter {
            var n = 0
            func write(_ value: String, timestamp: Timestamp) throws { n += 1; if n % 20 == 0 { usleep(1000) } }
        }
    }

    /// Endless generated records through an async call (recording a `lookup_latency` histogram) into a slow sink
    /// behind a keyed exchange: a backpressured source task and a busy sink task.
    static func throttled(name: String) throws -> Job {
        try Job(name) {
            Source("numbers", GeneratorSource(count: nil) { $0 })
            AsyncMap("lookup", AsyncClosure { (i: Int) async throws -> Int in
                OperatorMetrics.current?.histogram("lookup_latency").update(Int64(i % 10))
                return i
            }, capacity: 64, timeout: .seconds(10))
            Map("label") { (r: AsyncResult<Int, Int>) in "k\(r.input % 13)" }
            KeyBy { (s: String) in s }.process("pass") { PassThrough() }
            Sink("slow", SlowSink())
        }
    }

    final class PassThrough: KeyedProcessFunction {
        typealias Key = String
        typealias Input = String
        typealias Output = String
        func processElement(_ value: String, _ ctx: ProcessContext<String, String>) throws { try ctx.collect(value) }
    }

    static func failing(name: String) throws -> Job {
        try Job(name) {
            Source("numbers", GeneratorSource(count: 1_000_000) { $0 })
            Map("explode") { (i: Int) throws -> Int in if i == 100 { throw Boom() }; return i }
            Sink("out", DiscardingSink<Int>())
        }
    }

    /// Subtask 0 reads ten numbers and ends; every other subtask stays open with nothing to read — a FINISHED
    /// subtask beside RUNNING ones.
    struct StaggeredSource: SourceConnector {
        var maxParallelism: Int? { nil }
        var description: String { "staggered" }
        func createReader(subtask: Int, parallelism: Int) throws -> any SourceReader<Int> { Reader(ends: subtask == 0) }
        final class Reader: SourceReader {
            let ends: Bool
            var sent = false
            init(ends: Bool) { self.ends = ends }
            func poll(into output: SourceOutput<Int>, max: Int) throws -> SourcePoll {
                guard ends else { return .nothingAvailable }
                guard !sent else { return .finished }
                for i in 0..<10 { try output.collect(i) }
                sent = true
                return .more
            }
        }
    }

    static func staggered(name: String) throws -> Job {
        try Job(name) {
            Source("staggered", StaggeredSource())
            Sink("out", DiscardingSink<Int>())
        }
    }

    @Sendable static func catalog() -> [CatalogEntry] {
        [CatalogEntry(name: "endless", summary: "Keyed windows over events in memory, until cancelled", parallelism: 2, parameters: [:]),
         CatalogEntry(name: "failing", summary: "Fails at record 100", parallelism: nil, parameters: [:]),
         CatalogEntry(name: "clip-detector-replay", summary: "The clip detector over chat-s7", parallelism: nil, parameters: ["input": chatFixture])]
    }

    @Sendable static func resolve(_ submission: JobSubmission) throws -> ResolvedJob {
        switch submission.job {
        case "endless":
            return ResolvedJob(job: try endless(name: "endless"), parallelism: submission.parallelism, parameters: submission.parameters)
        case "throttled":
            return ResolvedJob(job: try throttled(name: "throttled"), parallelism: submission.parallelism, parameters: submission.parameters)
        case "staggered":
            return ResolvedJob(job: try staggered(name: "staggered"), parallelism: submission.parallelism, parameters: submission.parameters)
        case "failing":
            return ResolvedJob(job: try failing(name: "failing"), parallelism: submission.parallelism, parameters: submission.parameters)
        case "quiet-pipe", "ignores-cancel":
            return try cancellationJob(submission)
        default:
            guard let definition = JobCatalog.named(submission.job) else {
                throw JobSubmissionError.invalid("no job named '\(submission.job)' (known: endless, failing, clip-detector-replay)")
            }
            var parameters = ["input": chatFixture, "output": try temporaryDirectory()]
            parameters.merge(submission.parameters) { _, new in new }
            let job = try definition.make(submission.job, JobParameters(parameters))
            return ResolvedJob(job: job, parallelism: submission.parallelism, parameters: parameters)
        }
    }
}
