import Dataflow
import Foundation
import Testing
@testable import Runtime

/// A running total per key in keyed state, with an event-time timer per window end: enough state to show that
/// a restore at another parallelism continues exactly where the stopped job was.
final class RunningTotal: KeyedProcessFunction {
    typealias Key = String
    typealias Input = WindowResult<String, Int>
    typealias Output = String
    private var total: ValueState<Int>!
    private var seen: MapState<Int64, Int>!

    func open(context: RuntimeContext, state: KeyedStateStore<String>) throws {
        total = state.valueState("total")
        seen = state.mapState("seen")
    }

    func processElement(_ w: WindowResult<String, Int>, _ ctx: ProcessContext<String, String>) throws {
        let t = (total.value ?? 0) + w.value
        total.update(t)
        seen[w.window.end] = w.value
        ctx.timers.registerEventTimeTimer(w.window.end + 10_000)
        try ctx.collect("\(w.key) \(w.window.start) \(w.window.end) \(w.value) total=\(t)")
    }

    func onTimer(_ time: Int64, _ ctx: ProcessContext<String, String>) throws {
        // Fires only once the watermark passes; after a restore the timer must still be there.
        let count = seen[time - 10_000] ?? -1
        seen.remove(time - 10_000)
        try ctx.collect("\(ctx.key) timer \(time) saw \(count)")
    }
}

@Suite("Savepoints: stop, redistribute key groups, restore at another parallelism")
struct SavepointTests {
    /// Chat-like events over 40 keys, slightly out of order, with some records far too late (dropped as late).
    static func events(_ n: Int) -> [Ev] {
        var rng = SplitMix64(seed: 42)
        return (0..<n).map { i in
            let base = Int64(i) * 7
            let jitter = Int64(rng.next() % 300)
            let late: Int64 = rng.next() % 97 == 0 ? 4_000 : 0
            return Ev(key: "k\(rng.next() % 40)", ts: base - jitter - late)
        }
    }

    static func job(_ source: CollectionSource<Ev>, _ sink: CollectingSink<String>) throws -> Job {
        try Job("savepoint-test") {
            Source("src", source, watermarks: .boundedOutOfOrderness(.milliseconds(500), emit: .perRecord) { $0.ts })
            KeyBy(\Ev.key).window("rate", .sliding(size: .seconds(2), slide: .milliseconds(500)), aggregate: Count())
            KeyBy(\WindowResult<String, Int>.key).process("total") { RunningTotal() }
            Sink("out", sink)
        }
    }

    @Test("stop at p=1, restore at p=3 (and p=3 → 2): the output equals one uninterrupted run", arguments: [(1, 3), (3, 2)])
    func rescaleKeepsResults(from: Int, to: Int) async throws {
        var all = Self.events(20_000)
        let half = 9_000
        // The first record after the savepoint is far too late: dropped in one run, it must be dropped after the
        // restore too (before any new watermark could arrive).
        all[half] = Ev(key: "k1", ts: all[half - 1].ts - 4_000)

        let reference = CollectingSink<String>()
        let uninterrupted = try await LocalExecutor().run(Self.job(CollectionSource(all), reference), parallelism: 2)
        #expect(uninterrupted.status == .finished)

        // First run: the first part of the stream, then the source waits (a live topic with nothing new).
        let before = CollectingSink<String>()
        let first = try LocalExecutor().submit(Self.job(CollectionSource(Array(all[..<half]), staysOpen: true), before), parallelism: from)
        let deadline = Date().addingTimeInterval(30)
        while first.stageMetrics()["src"]?["numRecordsOut"] ?? 0 < Int64(half) && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(first.stopWithSavepoint(.suspend))
        let stopped = await first.completion()
        #expect(stopped.status == .finished)
        let savepoint = try Savepoint(jobID: first.jobID, graph: first.graph, states: first.subtaskStates())
        #expect(savepoint.stages["rate"]?.subtasks.count == from)
        #expect(savepoint.stages["total"]?.subtasks.flatMap(\.keyed).isEmpty == false)

        // Through a file, as a user would: written, read back, restored at the new parallelism.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sp-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let location = try savepoint.write(into: dir)
        let restored = try Savepoint.read(location)
        #expect(restored == savepoint)

        let after = CollectingSink<String>()
        let second = try LocalExecutor().submit(Self.job(CollectionSource(all), after), parallelism: to,
                                                restore: SavepointRestore(savepoint: restored))
        let ended = await second.completion()
        #expect(ended.status == .finished, "\(ended.failure ?? "")")

        let combined = (before.values + after.values).sorted()
        let expected = reference.values.sorted()
        #expect(combined.count == expected.count)
        let extra = combined.difference(from: expected).insertions.prefix(5).map { "\($0)" }
        let missing = combined.difference(from: expected).removals.prefix(5).map { "\($0)" }
        #expect(extra.isEmpty && missing.isEmpty, "more than one run gave: \(extra); missing: \(missing)")
        // Late records stay late across the savepoint: the restored watermark keeps fired windows closed.
        #expect(stopped.metric("rate", "numLateRecordsDropped") + ended.metric("rate", "numLateRecordsDropped")
                == uninterrupted.metric("rate", "numLateRecordsDropped"))
        #expect(uninterrupted.metric("rate", "numLateRecordsDropped") > 0)
    }

    @Test("drain: windows fire at the stop, and the job ends FINISHED with the sources' positions saved")
    func drainFiresWindows() async throws {
        let sink = CollectingSink<String>()
        let values = Self.events(2_000)
        let execution = try LocalExecutor().submit(Self.job(CollectionSource(values, staysOpen: true), sink), parallelism: 2)
        let deadline = Date().addingTimeInterval(30)
        while execution.stageMetrics()["src"]?["numRecordsOut"] ?? 0 < 2_000 && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let firedBefore = sink.count
        #expect(execution.stopWithSavepoint(.drain))
        #expect(await execution.completion().status == .finished)
        #expect(sink.count > firedBefore)
        #expect(sink.values.contains { $0.contains(" timer ") })   // the end of event time fired every timer
        let savepoint = try Savepoint(jobID: execution.jobID, graph: execution.graph, states: execution.subtaskStates())
        let source = try #require(savepoint.state(of: "src", subtask: 0, parallelism: 1))
        #expect(source.union.count == 1)
    }

    @Test("a source that ended before the stop is in the savepoint at its end, and is not read again after a restore")
    func finishedSourceKeepsItsPosition() async throws {
        func job(_ sink: CollectingSink<Ev>, open: [Ev]) throws -> Job {
            try Job("two-sources") {
                Source("bounded", CollectionSource((0..<100).map { Ev(key: "b", ts: Int64($0)) }))
                Union("both") { Source("open", CollectionSource(open, staysOpen: true)) }
                Sink("out", sink)
            }
        }
        let before = CollectingSink<Ev>()
        let first = try LocalExecutor().submit(job(before, open: [Ev(key: "o", ts: 1)]), parallelism: 1)
        let deadline = Date().addingTimeInterval(30)
        while before.count < 101 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(first.stopWithSavepoint(.suspend))
        #expect(await first.completion().status == .finished)
        let savepoint = try Savepoint(jobID: first.jobID, graph: first.graph, states: first.subtaskStates())

        let after = CollectingSink<Ev>()
        let second = try LocalExecutor().submit(job(after, open: [Ev(key: "o", ts: 1), Ev(key: "o", ts: 2)]), parallelism: 1,
                                                restore: SavepointRestore(savepoint: savepoint))
        while after.count < 1 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        second.cancel()
        _ = await second.completion()
        #expect(after.values.map(\.key) == ["o"])   // only the open source's new record; the bounded one stays read
    }

    @Test("a stop request after the job ended is refused")
    func stopAfterEnd() async throws {
        let execution = try LocalExecutor().submit(Self.job(CollectionSource(Self.events(10)), CollectingSink()), parallelism: 1)
        _ = await execution.completion()
        #expect(!execution.stopWithSavepoint(.suspend))
    }
}

@Suite("Savepoint redistribution and validation")
struct SavepointRedistributionTests {
    static func graph(_ p: Int, name: String = "total") throws -> JobGraph {
        try JobGraph(job: SavepointTests.job(CollectionSource([]), CollectingSink()), configuration: DataflowConfiguration(), parallelism: p)
    }

    @Test("keyed state goes where its key group goes; list state round-robin; union state to all; the lowest watermark")
    func redistribution() throws {
        let g = try Self.graph(2)
        var states: [SubtaskState] = []
        for node in g.stream.nodes {
            for i in 0..<2 {
                var s = OperatorSnapshot()
                if node.name == "total" {
                    s.keyed = (0..<128).filter { KeyGroups.operatorIndex(keyGroup: $0, parallelism: 2, maxParallelism: 128) == i }
                        .map { KeyedStateEntry(keyGroup: $0, key: Data("\($0)".utf8), values: [:]) }
                    s.watermark = i == 0 ? 1_000 : 900
                }
                if node.name == "out" { s.list = [Data("a\(i)".utf8), Data("b\(i)".utf8)] }
                if node.name == "src" && i == 0 { s.union = [Data("pos".utf8)] }
                states.append(SubtaskState(stage: node.name, subtask: i, state: s))
            }
        }
        let sp = try Savepoint(jobID: .random(), graph: g, states: states)
        var groups: [Int] = []
        for j in 0..<3 {
            let s = try #require(sp.state(of: "total", subtask: j, parallelism: 3))
            #expect(s.keyed.allSatisfy { KeyGroups.operatorIndex(keyGroup: $0.keyGroup, parallelism: 3, maxParallelism: 128) == j })
            #expect(s.watermark == 900)
            groups += s.keyed.map(\.keyGroup)
            #expect(sp.state(of: "src", subtask: j, parallelism: 3)?.union == [Data("pos".utf8)])
        }
        #expect(groups.sorted() == Array(0..<128))
        let lists = (0..<3).map { sp.state(of: "out", subtask: $0, parallelism: 3)?.list.count ?? 0 }
        #expect(lists == [2, 1, 1])
        #expect(sp.state(of: "rate", subtask: 0, parallelism: 3) == nil)   // no state at all
    }

    @Test("a savepoint missing a subtask, with foreign state, or another max parallelism is refused with a reason")
    func validation() throws {
        let g = try Self.graph(2)
        #expect(throws: StateSnapshotError.self) {
            try Savepoint(jobID: .random(), graph: g, states: [SubtaskState(stage: "src", subtask: 0, state: OperatorSnapshot())])
        }
        var states = g.stream.nodes.flatMap { n in (0..<2).map { SubtaskState(stage: n.name, subtask: $0, state: OperatorSnapshot()) } }
        states[0] = SubtaskState(stage: "src", subtask: 0, state: OperatorSnapshot(union: [Data()]))
        var sp = try Savepoint(jobID: .random(), graph: g, states: states)
        sp.stages["gone"] = .init(parallelism: 1, subtasks: [OperatorSnapshot(keyed: [KeyedStateEntry(keyGroup: 1, key: Data(), values: [:])])])
        let error = #expect(throws: StateSnapshotError.self) { try sp.validate(against: g, allowNonRestoredState: false) }
        #expect(error?.description.contains("'gone'") == true)
        try sp.validate(against: g, allowNonRestoredState: true)
        sp.stages["gone"] = nil
        sp.stages["total"] = .init(parallelism: 1, subtasks: [OperatorSnapshot(keyed: [KeyedStateEntry(keyGroup: 1, key: Data(), values: [:])])])
        sp.maxParallelism = 256
        let mp = #expect(throws: StateSnapshotError.self) { try sp.validate(against: g, allowNonRestoredState: false) }
        #expect(mp?.description.contains("max parallelism") == true)
    }

    @Test("a file that is not a savepoint gives a clear error")
    func notASavepoint() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-savepoint-\(UUID().uuidString)").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: StateSnapshotError.self) { try Savepoint.read(path) }
        #expect(error?.description.contains("is not a savepoint") == true)
        #expect(throws: StateSnapshotError.self) { try Savepoint.read(path + "-missing") }
    }

    @Test("state of a type that is not Codable names the state and the type")
    func notCodable() throws {
        struct Opaque { let x: Int }
        let store = KeyedStateStore<String>()
        let v: ValueState<Opaque> = store.valueState("opaque")
        store.setCurrentKey("a")
        v.update(Opaque(x: 1))
        let error = #expect(throws: StateSnapshotError.self) { try store.snapshot() }
        #expect(error?.description.contains("value state 'opaque'") == true)
        #expect(error?.description.contains("Opaque") == true)
    }
}
