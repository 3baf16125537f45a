import Dataflow
import Foundation
import Testing
@testable import Runtime

/// A reader with two splits (think: Kafka partitions): split 0 carries events, split 1 carries the given ones
/// and then falls quiet; the source stays open.
struct TwoSplitSource: SourceConnector, @unchecked Sendable {
    let busy: [Ev]
    let quiet: [Ev]
    let finishQuiet: Bool
    var maxParallelism: Int? { 1 }
    var description: String { "two splits" }
    func createReader(subtask: Int, parallelism: Int) throws -> any SourceReader<Ev> { Reader(busy: busy, quiet: quiet, finishQuiet: finishQuiet) }

    final class Reader: SourceReader {
        let busy: [Ev], quiet: [Ev], finishQuiet: Bool
        var i = 0, j = 0, announced = false
        var lastBusy = Date.distantPast
        init(busy: [Ev], quiet: [Ev], finishQuiet: Bool) { self.busy = busy; self.quiet = quiet; self.finishQuiet = finishQuiet }
        func poll(into output: SourceOutput<Ev>, max: Int) throws -> SourcePoll {
            if !announced {
                announced = true
                try output.splitAdded(0)
                try output.splitAdded(1)
            }
            if j < quiet.count { try output.collect(quiet[j], timestamp: quiet[j].ts, split: 1); j += 1; return .more }
            if j == quiet.count && finishQuiet { try output.splitFinished(1); j += 1 }
            // The busy split trickles: one record every 10 ms, so it stays active while the quiet one idles.
            guard i < busy.count, Date().timeIntervalSince(lastBusy) >= 0.01 else { return .nothingAvailable }
            lastBusy = Date()
            try output.collect(busy[i], timestamp: busy[i].ts, split: 0)
            i += 1
            return .more
        }
    }
}

@Suite("Per-split watermarks")
struct SplitWatermarkTests {
    /// Runs until `expect` windows arrived (at most `seconds`), then `settle` seconds more for any that should not.
    func run(_ source: TwoSplitSource, idleness: Bool, expect: Int, within seconds: Double, settle: Double = 0) async throws -> [String] {
        let sink = CollectingSink<WindowResult<String, Int>>()
        let strategy: WatermarkStrategy<Ev> = .boundedOutOfOrderness(.zero, emit: .perRecord) { $0.ts }
        let job = try Job("splits") {
            Source("two", source, watermarks: idleness ? strategy.withIdleness(.milliseconds(100)) : strategy)
            KeyBy(\Ev.key).window("w", .tumbling(size: .seconds(1)), aggregate: Count())
            Sink("out", sink)
        }
        let execution = try LocalExecutor().submit(job, parallelism: 1)
        let deadline = Date().addingTimeInterval(seconds)
        while sink.count < expect && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .seconds(settle))
        execution.cancel()
        _ = await execution.completion()
        return rows(sink.values)
    }

    static let busy = (0..<50).map { Ev(key: "k", ts: Int64($0) * 100) }   // 0 … 4.9 s

    @Test("the watermark is the minimum over the splits: a split behind holds windows back")
    func minimumOverSplits() async throws {
        let out = try await run(TwoSplitSource(busy: Self.busy, quiet: [Ev(key: "q", ts: 1500)], finishQuiet: false),
                                idleness: false, expect: 1, within: 60, settle: 1)
        // Split 1 sits at 1500 - 1: only the windows ending by 1.5 s may fire (the first one, waited for; then a
        // second in which the busy split's later windows would fire if the quiet split did not hold them back).
        #expect(out == ["k 0 1000 10"])
    }

    @Test("an idle split stops holding event time back")
    func idleSplit() async throws {
        let out = try await run(TwoSplitSource(busy: Self.busy, quiet: [Ev(key: "q", ts: 1500)], finishQuiet: false),
                                idleness: true, expect: 5, within: 60)
        #expect(out == ["k 0 1000 10", "k 1000 2000 10", "k 2000 3000 10", "k 3000 4000 10", "q 1000 2000 1"])
    }

    @Test("a finished split does not hold event time back")
    func finishedSplit() async throws {
        let out = try await run(TwoSplitSource(busy: Self.busy, quiet: [Ev(key: "q", ts: 500)], finishQuiet: true),
                                idleness: false, expect: 5, within: 60)
        #expect(out == ["k 0 1000 10", "k 1000 2000 10", "k 2000 3000 10", "k 3000 4000 10", "q 0 1000 1"])
    }
}
