import Dataflow
import Foundation
import Synchronization
import Testing
@testable import Runtime

/// Emits, per record, the key and the subtask that processed it.
final class WhereAmI: KeyedProcessFunction {
    typealias Key = String
    typealias Input = Ev
    typealias Output = String
    var subtask = -1
    func open(context: RuntimeContext, state: KeyedStateStore<String>) throws { subtask = context.subtaskIndex }
    func processElement(_ value: Ev, _ ctx: ProcessContext<String, String>) throws { try ctx.collect("\(ctx.key)@\(subtask)") }
}

/// A sink that counts and forgets (a collecting sink would itself hold the memory we want to see stay flat).
final class CountingSink<T>: SinkConnector, @unchecked Sendable {
    let received = Atomic<Int>(0)
    let pauseEvery: Int
    let pauseMicros: UInt32
    init(pauseEvery: Int = 0, pauseMicros: UInt32 = 0) { self.pauseEvery = pauseEvery; self.pauseMicros = pauseMicros }
    var description: String { "counting" }
    func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<T> { W(sink: self) }
    final class W: SinkWriter {
        let sink: CountingSink<T>
        init(sink: CountingSink<T>) { self.sink = sink }
        func write(_ value: T, timestamp: Timestamp) throws {
            let n = sink.received.wrappingAdd(1, ordering: .relaxed).newValue
            if sink.pauseEvery > 0, n % sink.pauseEvery == 0 { usleep(sink.pauseMicros) }
        }
    }
}

struct Boom: Error, CustomStringConvertible { var description: String { "boom at 1000" } }

@Suite("Local executor: exchanges, parallelism, backpressure, cancel, failure")
struct ExecutorTests {
    static func events(_ n: Int, keys: Int) -> [Ev] { (0..<n).map { Ev(key: "key\($0 % keys)", ts: Int64($0)) } }

    @Test("a hash exchange sends every key to exactly the subtask owning its key group", arguments: [1, 2, 3, 4])
    func hashPartitioning(parallelism: Int) async throws {
        let sink = CollectingSink<String>()
        let job = try Job("hash") {
            Source("src", CollectionSource(Self.events(5000, keys: 97)))
            KeyBy(\Ev.key).process("where") { WhereAmI() }
            Sink("out", sink)
        }
        let result = try await LocalExecutor().run(job, parallelism: parallelism)
        #expect(result.status == .finished)
        let seen = sink.values
        #expect(seen.count == 5000)
        var owner: [String: Set<String>] = [:]
        for s in seen { let p = s.split(separator: "@"); owner[String(p[0]), default: []].insert(String(p[1])) }
        #expect(owner.count == 97)
        for (key, subtasks) in owner {
            let expected = KeyGroups.operatorIndex(keyGroup: KeyGroups.keyGroup(of: key, maxParallelism: 128),
                                                   parallelism: parallelism, maxParallelism: 128)
            #expect(subtasks == ["\(expected)"], "key \(key)")
        }
        if parallelism > 1 { #expect(Set(owner.values.flatMap { $0 }).count > 1) }
    }

    @Test("union merges streams; its watermark is the minimum of its inputs")
    func union() async throws {
        let sink = CollectingSink<WindowResult<String, Int>>()
        let fast = (0..<100).map { Ev(key: "k", ts: Int64($0) * 100) }        // up to 9.9 s
        let slow = (0..<20).map { Ev(key: "k", ts: Int64($0) * 100) }         // up to 1.9 s
        let job = try Job("union") {
            Source("fast", CollectionSource(fast), watermarks: .boundedOutOfOrderness(.zero, emit: .perRecord) { $0.ts })
            Union("both") {
                Source("slow", CollectionSource(slow), watermarks: .boundedOutOfOrderness(.zero, emit: .perRecord) { $0.ts })
            }
            KeyBy(\Ev.key).window("w", .tumbling(size: .seconds(1)), aggregate: Count())
            Sink("out", sink)
        }
        let result = try await LocalExecutor().run(job, parallelism: 2)
        #expect(result.status == .finished)
        #expect(rows(sink.values) == (0..<10).map { "k \($0 * 1000) \(($0 + 1) * 1000) \($0 < 2 ? 20 : 10)" }.sorted())
    }

    @Test("an idle source stops holding back event time; without idleness the windows wait")
    func idleness() async throws {
        func run(idle: Bool) async throws -> Int {
            let sink = CollectingSink<WindowResult<String, Int>>()
            let quiet: WatermarkStrategy<Ev> = .boundedOutOfOrderness(.zero, emit: .perRecord) { $0.ts }
            let job = try Job("idle") {
                Source("busy", CollectionSource(Self.events(5000, keys: 1).map { Ev(key: "k", ts: $0.ts) }, staysOpen: true),
                       watermarks: .boundedOutOfOrderness(.zero, emit: .perRecord) { $0.ts })
                Union("both") {
                    Source("quiet", CollectionSource([Ev](), staysOpen: true), watermarks: idle ? quiet.withIdleness(.milliseconds(100)) : quiet)
                }
                KeyBy(\Ev.key).window("w", .tumbling(size: .seconds(1)), aggregate: Count())
                Sink("out", sink)
            }
            let execution = try LocalExecutor().submit(job, parallelism: 1)
            let deadline = Date().addingTimeInterval(idle ? 10 : 1.5)
            while sink.count < 4 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            execution.cancel()
            #expect(await execution.completion().status == .canceled)
            return sink.count
        }
        #expect(try await run(idle: true) == 4)    // windows up to 4 s fire (the watermark is 4999 - 1)
        #expect(try await run(idle: false) == 0)
    }

    @Test("a slow sink slows the source: bounded buffers keep memory flat")
    func backpressure() async throws {
        let produced = Atomic<Int>(0)
        let sink = CountingSink<String>(pauseEvery: 200, pauseMicros: 1000)
        let payload = String(repeating: "x", count: 4096)
        let total = 150_000   // 600 MB if nothing held the source back
        let job = try Job("backpressure") {
            Source("gen", GeneratorSource(count: total) { i -> String in
                produced.wrappingAdd(1, ordering: .relaxed)
                return payload + String(i)
            })
            Map("copy") { (s: String) in s }.parallelism(2)
            Sink("slow", sink).parallelism(1)
        }
        let before = residentBytes()
        let execution = try LocalExecutor().submit(job, parallelism: 2)
        var maxInFlight = 0, maxResident = before
        while execution.status == .running {
            maxInFlight = max(maxInFlight, produced.load(ordering: .relaxed) - sink.received.load(ordering: .relaxed))
            maxResident = max(maxResident, residentBytes())
            try await Task.sleep(for: .milliseconds(5))
        }
        let result = await execution.completion()
        #expect(result.status == .finished)
        #expect(sink.received.load(ordering: .relaxed) == total)
        // Bounded by the buffers, 1024 records each: the source's 2 writers, the maps' gates (4 each) and the batch
        // each map holds, the maps' 2 writers, the sink's gate (2 channels × 4) and its batch in hand: 23 buffers.
        #expect(maxInFlight <= 23 * 1024 + 1024, "records in flight: \(maxInFlight)")
        #expect(maxResident - before < 150 << 20, "resident grew by \((maxResident - before) >> 20) MiB")
    }

    @Test("cancel stops an unbounded job promptly")
    func cancel() async throws {
        let job = try Job("endless") {
            Source("gen", GeneratorSource(count: nil) { Ev(key: "k\($0 % 10)", ts: Int64($0)) },
                   watermarks: .boundedOutOfOrderness(.zero) { $0.ts })
            KeyBy(\Ev.key).window("w", .tumbling(size: .seconds(1)), aggregate: Count())
            Sink("out", CountingSink<WindowResult<String, Int>>())
        }
        let execution = try LocalExecutor().submit(job, parallelism: 2)
        try await Task.sleep(for: .milliseconds(300))
        #expect(execution.status == .running)
        let start = Date()
        execution.cancel()
        let result = await execution.completion()
        #expect(result.status == .canceled)
        #expect(Date().timeIntervalSince(start) < 1.0)
        #expect(result.failure == nil)
    }

    @Test("an error in user code fails the job with a message naming the stage")
    func failure() async throws {
        let job = try Job("failing") {
            Source("gen", GeneratorSource(count: 1_000_000) { $0 })
            Map("explode") { (i: Int) throws -> Int in if i == 1000 { throw Boom() }; return i }
            Sink("out", CountingSink<Int>())
        }
        let result = try await LocalExecutor().run(job, parallelism: 2)
        #expect(result.status == .failed)
        let failure = try #require(result.failure)
        #expect(failure.contains("explode"))
        #expect(failure.contains("boom at 1000"))
    }

    @Test("two sinks reading one side output is rejected before the job starts")
    func sideOutputConsumedTwice() throws {
        let tag = OutputTag<Ev>("late")
        let job = try Job("twice") {
            Source("src", CollectionSource([Ev]()))
            KeyBy(\Ev.key).window("w", .tumbling(size: .seconds(1)), aggregate: Count(), lateOutput: tag)
                .sideOutput(tag) { Sink("a", CountingSink<Ev>()) }
                .sideOutput(tag) { Sink("b", CountingSink<Ev>()) }
            Sink("out", CountingSink<WindowResult<String, Int>>())
        }
        #expect(throws: JobDefinitionError.self) { try LocalExecutor().submit(job) }
    }

    @Test("the plan chains forward edges of equal parallelism and reports HASH, FORWARD and REBALANCE edges")
    func plan() throws {
        let job = try Job("planned") {
            Source("src", CollectionSource([Ev]()))
            Filter<Ev>("keep") { _ in true }
            KeyBy(\Ev.key).window("w", .sliding(size: .seconds(5), slide: .seconds(1)), aggregate: Count())
            Map("row") { (w: WindowResult<String, Int>) in w.value }
            Sink("out", CountingSink<Int>()).parallelism(1)
        }
        let graph = try JobGraph(job: job, configuration: DataflowConfiguration(), parallelism: 3)
        #expect(graph.vertices.count == 4)   // src (p=1, limit), keep (p=3), w+row, out
        #expect(graph.edges.map(\.strategy) == [.rebalance, .hash, .rebalance])
        #expect(graph.description(of: 2) == "w<br/>+- row<br/>")
        let json = try JSONSerialization.jsonObject(with: Data(graph.planJSON(jobID: .random()).utf8)) as! [String: Any]
        let nodes = (json["plan"] as! [String: Any])["nodes"] as! [[String: Any]]
        #expect(nodes.count == 4)
        let window = nodes.first { ($0["description"] as! String).hasPrefix("w<br/>") }!
        #expect(window["parallelism"] as? Int == 3)
        let inputs = window["inputs"] as! [[String: Any]]
        #expect(inputs.map { $0["ship_strategy"] as? String } == ["HASH"])
        #expect((window["id"] as! String).count == 32)
    }
}
