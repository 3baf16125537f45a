import Dataflow
import Foundation
import Testing
@testable import Runtime

/// Flink's task time split (busy / idle / backpressured), measured in the subtask loop and the exchange.
@Suite("Task time accounting: busy, idle and backpressured time per subtask")
struct TaskTimeTests {
    /// Task-scope time of a vertex's subtasks, in milliseconds, read from its head stage's metrics.
    static func times(_ execution: JobExecution, head stage: String) -> (busy: Int64, idle: Int64, backPressured: Int64) {
        let subtasks = execution.subtaskMetrics().filter { $0.stage == stage }
        func sum(_ name: String) -> Int64 { subtasks.reduce(0) { $0 + ($1.values[name] ?? 0) } / 1_000_000 }
        return (sum(TaskTimeMetrics.busyNanos), sum(TaskTimeMetrics.idleNanos), sum(TaskTimeMetrics.backPressuredNanos))
    }

    @Test("a producer blocked on a slow consumer's full gate books backpressured time; the consumer is busy")
    func backpressure() async throws {
        // 40 000 records into a sink that sleeps 2 ms every 100 records: ≥ 0.8 s of work downstream, while the gate
        // holds only a few thousand records — the source spends most of its life waiting for room.
        let events = (0..<40_000).map { Ev(key: "k\($0 % 16)", ts: Int64($0)) }
        let job = try Job("bp") {
            Source("src", CollectionSource(events))
            KeyBy(\Ev.key).process("where") { WhereAmI() }
            Sink("slow", CountingSink<String>(pauseEvery: 100, pauseMicros: 2000))
        }
        var configuration = DataflowConfiguration()
        configuration.bufferSize = 256
        configuration.buffersPerChannel = 2
        let execution = try LocalExecutor(configuration: configuration).submit(job, parallelism: 1)
        let result = await execution.completion()
        #expect(result.status == .finished)
        let source = Self.times(execution, head: "src")
        let consumer = Self.times(execution, head: "where")
        #expect(source.backPressured >= 300, "source backpressured \(source.backPressured) ms, busy \(source.busy) ms")
        #expect(source.backPressured > source.busy, "source backpressured \(source.backPressured) ms, busy \(source.busy) ms")
        #expect(consumer.busy >= 400, "consumer busy \(consumer.busy) ms")
        // The consumer's outputs are chained (no exchange after it): it can never be backpressured.
        #expect(consumer.backPressured == 0)
        // The split covers the wall-clock time of the job (within scheduling noise).
        let total = consumer.busy + consumer.idle + consumer.backPressured
        #expect(total <= result.durationMillis + 50, "consumer accounted \(total) ms of a \(result.durationMillis) ms job")
        #expect(total >= result.durationMillis / 2, "consumer accounted \(total) ms of a \(result.durationMillis) ms job")
    }

    @Test("a long wait on a stalled consumer shows as backpressure while it lasts")
    func stalledConsumer() async throws {
        // The sink stalls for 2 s on its first record; the source fills the gate and waits behind it.
        let job = try Job("stall") {
            Source("src", GeneratorSource(count: 50_000) { Ev(key: "k\($0 % 5)", ts: Int64($0)) })
            KeyBy(\Ev.key).process("where") { WhereAmI() }
            Sink("stalling", StallOnceSink())
        }
        let execution = try LocalExecutor().submit(job, parallelism: 1)
        try await Task.sleep(for: .milliseconds(1200))
        let during = Self.times(execution, head: "src")
        execution.cancel()
        _ = await execution.completion()
        // ≥ 0.5 s of the ~1.2 s so far, booked before the stall is over (the sink's first sleep lasts 2 s).
        #expect(during.backPressured >= 500, "source backpressured \(during.backPressured) ms while the sink stalls")
    }

    @Test("a task waiting for input books idle time, not busy time")
    func idle() async throws {
        let job = try Job("idle") {
            Source("src", CollectionSource([Ev(key: "a", ts: 1), Ev(key: "b", ts: 2)], staysOpen: true))
            KeyBy(\Ev.key).process("where") { WhereAmI() }
            Sink("out", DiscardingSink<String>())
        }
        let execution = try LocalExecutor().submit(job, parallelism: 1)
        try await Task.sleep(for: .milliseconds(800))
        let consumer = Self.times(execution, head: "where")
        let source = Self.times(execution, head: "src")
        execution.cancel()
        _ = await execution.completion()
        #expect(consumer.idle >= 400, "consumer idle \(consumer.idle) ms, busy \(consumer.busy) ms")
        #expect(consumer.busy < consumer.idle / 2, "consumer idle \(consumer.idle) ms, busy \(consumer.busy) ms")
        #expect(source.idle >= 300, "source idle \(source.idle) ms, busy \(source.busy) ms")
        #expect(consumer.backPressured == 0 && source.backPressured == 0)
    }

    @Test("task times stay out of the operators' own metrics but reach the stage snapshot")
    func names() async throws {
        let job = try Job("names") {
            Source("src", CollectionSource((0..<1000).map { Ev(key: "k\($0 % 3)", ts: Int64($0)) }))
            KeyBy(\Ev.key).process("where") { WhereAmI() }
            Sink("out", DiscardingSink<String>())
        }
        let execution = try LocalExecutor().submit(job, parallelism: 2)
        _ = await execution.completion()
        for m in execution.subtaskMetrics() {
            let isHead = m.stage == "src" || m.stage == "where"
            #expect((m.values[TaskTimeMetrics.busyNanos] != nil) == isHead, "\(m.stage)")
        }
    }
}

/// Sleeps 2 s on its first record, then takes the rest at full speed.
final class StallOnceSink: SinkConnector, @unchecked Sendable {
    var description: String { "stall-once" }
    func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<String> { W() }
    final class W: SinkWriter {
        var stalled = false
        func write(_ value: String, timestamp: Timestamp) throws {
            if !stalled { stalled = true; usleep(2_000_000) }
        }
    }
}

@Suite("Histograms: windowed statistics, flat names, async reachability")
struct HistogramTests {
    @Test("statistics over the window, count over every update")
    func statistics() {
        let h = Histogram(windowSize: 100)
        for v in 1...1000 { h.update(Int64(v)) }
        let s = h.statistics()
        #expect(s.count == 1000)
        #expect(s.min == 901 && s.max == 1000)
        #expect(abs(s.mean - 950.5) < 1e-9)
        #expect(abs((s.quantiles[0.5] ?? 0) - 950.5) < 1e-9)
        #expect((s.quantiles[0.99] ?? 0) > 998 && (s.quantiles[0.99] ?? 0) <= 1000)
        let flat = MetricGroup()
        let named = flat.histogram("lat")
        for v in [10, 20, 30] { named.update(Int64(v)) }
        let snapshot = flat.snapshot()
        #expect(snapshot["lat_count"] == 3 && snapshot["lat_median"] == 20 && snapshot["lat_max"] == 30)
        let back = HistogramNames.histograms(in: snapshot)["lat"]
        #expect(back?.count == 3 && back?.quantiles[0.5] == 20)
        #expect(HistogramNames.isPart("lat_p99", of: ["lat"]) && !HistogramNames.isPart("latency", of: ["lat"]))
    }

    @Test("an async function records into its operator's histogram through OperatorMetrics.current")
    func asyncReach() async throws {
        struct Timed: AsyncFunction {
            func invoke(_ input: Int) async throws -> Int {
                OperatorMetrics.current?.histogram("twitch_api_latency").update(Int64(input % 7))
                return input
            }
        }
        let job = try Job("async-histogram") {
            Source("src", CollectionSource(Array(0..<200)))
            AsyncMap("call", Timed(), capacity: 8, timeout: .seconds(5))
            Sink("out", DiscardingSink<AsyncResult<Int, Int>>())
        }
        let execution = try LocalExecutor().submit(job, parallelism: 1)
        _ = await execution.completion()
        let values = execution.subtaskMetrics().first { $0.stage == "call" }?.values ?? [:]
        #expect(values["twitch_api_latency_count"] == 200)
        #expect(values["twitch_api_latency_max"] == 6)
        #expect(values["asyncCallLatencyMs_count"] == 200)
    }
}
