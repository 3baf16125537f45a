import Dataflow
import Foundation
import Testing
@testable import Runtime

@Suite("Window operator (Flink's WindowOperator semantics)")
struct WindowOperatorTests {
    static let sliding = WindowAssigner.sliding(size: .milliseconds(5000), slide: .milliseconds(1000))

    func harness(_ assigner: WindowAssigner = sliding, lateness: Duration = .zero, late: SideOutputRecorder<Ev>? = nil)
        throws -> OperatorHarness<Ev, WindowResult<String, Int>> {
        try OperatorHarness(KeyBy(\Ev.key).window("w", assigner, aggregate: Count(), allowedLateness: lateness,
                                                  lateOutput: late.map { _ in OutputTag<Ev>("late") }),
                            sideOutputs: late.map { [$0] } ?? [])
    }

    @Test("a record belongs to the five windows [s, s+5000) with s a multiple of 1000 and s <= ts")
    func slidingAssignmentAndFiring() throws {
        let h = try harness()
        try h.process(Ev(key: "a", ts: 1500), timestamp: 1500)
        try h.watermark(5999)   // fires every window with end - 1 <= 5999
        #expect(rows(h.records) == [
            "a -3000 2000 1", "a -2000 3000 1", "a -1000 4000 1", "a 0 5000 1", "a 1000 6000 1",
        ].sorted())
        // Each result carries its window's max timestamp, and the watermark is passed on after the results.
        #expect(h.output.timestamped.map(\.timestamp).sorted() == [1999, 2999, 3999, 4999, 5999])
        #expect(h.output.watermarks == [5999])
    }

    @Test("a window fires exactly when the watermark reaches end - 1, not before")
    func firesAtMaxTimestamp() throws {
        let h = try harness()
        try h.process(Ev(key: "a", ts: 4000), timestamp: 4000)
        try h.watermark(4998)
        #expect(rows(h.records) == [])   // the earliest window [0, 5000) has max timestamp 4999
        try h.watermark(4999)
        #expect(rows(h.records) == ["a 0 5000 1"])
    }

    @Test("a partly late record goes to the windows still open and skips the fired ones")
    func partlyLateRecord() throws {
        let late = SideOutputRecorder(OutputTag<Ev>("late"))
        let h = try harness(late: late)
        try h.process(Ev(key: "a", ts: 3000), timestamp: 3000)
        try h.watermark(3999)               // fires [-1000,4000): count 1
        try h.process(Ev(key: "a", ts: 2500), timestamp: 2500)   // windows -2000 and -1000 have fired; 0, 1000, 2000 are open
        try h.endInput()
        #expect(rows(h.records) == [
            "a -1000 4000 1", "a 0 5000 2", "a 1000 6000 2", "a 2000 7000 2", "a 3000 8000 1",
        ].sorted())
        #expect(late.records.isEmpty)
        #expect(h.metric("numLateRecordsDropped") == 0)
    }

    @Test("a record too late for all its windows is counted and sent to the late output")
    func whollyLateRecord() throws {
        let late = SideOutputRecorder(OutputTag<Ev>("late"))
        let h = try harness(late: late)
        try h.process(Ev(key: "a", ts: 10_000), timestamp: 10_000)
        try h.watermark(8_000)
        try h.process(Ev(key: "a", ts: 3_000), timestamp: 3_000)   // its last window [3000, 8000) has max 7999 <= 8000
        try h.endInput()
        #expect(late.records == [Ev(key: "a", ts: 3_000)])
        #expect(h.metric("numLateRecordsDropped") == 1)
        #expect(!h.records.contains { $0.window.start <= 3000 && $0.window.end > 3000 && $0.value > 1 })
    }

    @Test("windows without records emit nothing")
    func emptyWindows() throws {
        let h = try harness()
        try h.process(Ev(key: "a", ts: 0), timestamp: 0)
        try h.process(Ev(key: "a", ts: 20_000), timestamp: 20_000)
        try h.endInput()
        let starts = h.records.map(\.window.start).sorted()
        #expect(starts == [-4000, -3000, -2000, -1000, 0, 16_000, 17_000, 18_000, 19_000, 20_000])
    }

    @Test("keys are counted apart")
    func keysApart() throws {
        let h = try harness(.tumbling(size: .seconds(1)))
        for (k, t) in [("a", 100), ("b", 200), ("a", 300), ("a", 1100), ("b", 1500)] {
            try h.process(Ev(key: k, ts: Int64(t)), timestamp: Int64(t))
        }
        try h.endInput()
        #expect(rows(h.records) == ["a 0 1000 2", "a 1000 2000 1", "b 0 1000 1", "b 1000 2000 1"])
    }

    @Test("end of input fires every remaining window")
    func endOfInputFiresAll() throws {
        let h = try harness()
        try h.process(Ev(key: "a", ts: 1_000_000), timestamp: 1_000_000)
        try h.watermark(900_000)
        #expect(h.records.isEmpty)
        try h.endInput()
        #expect(h.records.count == 5)
        #expect(h.output.elements.last.map { if case .end = $0 { true } else { false } } == true)
    }

    @Test("allowed lateness: a late record updates its fired window, which fires again; after cleanup it is late")
    func allowedLateness() throws {
        let late = SideOutputRecorder(OutputTag<Ev>("late"))
        let h = try harness(.tumbling(size: .seconds(1)), lateness: .milliseconds(500), late: late)
        try h.process(Ev(key: "a", ts: 100), timestamp: 100)
        try h.watermark(1000)
        #expect(rows(h.records) == ["a 0 1000 1"])
        try h.process(Ev(key: "a", ts: 200), timestamp: 200)      // within lateness: fires again with 2
        #expect(rows(h.records) == ["a 0 1000 1", "a 0 1000 2"])
        try h.watermark(1499)                                     // cleanup time 999 + 500
        try h.process(Ev(key: "a", ts: 300), timestamp: 300)      // now too late
        #expect(late.records.map(\.ts) == [300])
        #expect(h.records.count == 2)
    }

    @Test("processing-time windows follow the (manual) clock, not the records' timestamps")
    func processingTimeWindows() throws {
        let clock = ManualClock(10_000)
        let h = try OperatorHarness(KeyBy(\Ev.key).window("w", .tumbling(size: .seconds(1), time: .processingTime), aggregate: Count()),
                                    clock: clock)
        try h.process(Ev(key: "a", ts: 1), timestamp: 1)
        try h.process(Ev(key: "a", ts: 999_999), timestamp: 999_999)
        try h.setProcessingTime(10_500)
        #expect(h.records.isEmpty)
        try h.setProcessingTime(10_999)
        #expect(rows(h.records) == ["a 10000 11000 2"])
        try h.setProcessingTime(11_200)
        try h.process(Ev(key: "a", ts: 5), timestamp: 5)
        try h.endInput()   // bounded input: the open processing-time window fires at the end
        #expect(rows(h.records) == ["a 10000 11000 2", "a 11000 12000 1"])
    }

    @Test("sum, min, max and reduce aggregate a window's records")
    func aggregates() throws {
        let evs = [Ev(key: "a", ts: 10, n: 5), Ev(key: "a", ts: 20, n: -2), Ev(key: "a", ts: 30, n: 9)]
        let tumbling = WindowAssigner.tumbling(size: .seconds(1))
        let sum = try OperatorHarness(KeyBy(\Ev.key).window("s", tumbling, aggregate: Sum { (e: Ev) in e.n }))
        let mn = try OperatorHarness(KeyBy(\Ev.key).window("m", tumbling, aggregate: Min { (e: Ev) in e.n }))
        let mx = try OperatorHarness(KeyBy(\Ev.key).window("x", tumbling, aggregate: Max { (e: Ev) in e.n }))
        let red = try OperatorHarness(KeyBy(\Ev.key).window("r", tumbling, aggregate: Reduce { (a: Ev, b: Ev) in Ev(key: a.key, ts: b.ts, n: a.n * b.n) }))
        for e in evs {
            try sum.process(e, timestamp: e.ts); try mn.process(e, timestamp: e.ts)
            try mx.process(e, timestamp: e.ts); try red.process(e, timestamp: e.ts)
        }
        for h in [sum.endInput, mn.endInput, mx.endInput, red.endInput] { try h() }
        #expect(sum.records.map(\.value) == [12])
        #expect(mn.records.map(\.value) == [-2])
        #expect(mx.records.map(\.value) == [9])
        #expect(red.records.map(\.value?.n) == [-90])
    }

    @Test("randomized: disorder, lateness and watermarks agree with a brute-force model", arguments: [1, 2, 3, 4, 5])
    func randomizedAgainstModel(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let h = try harness()
        var model = SlidingWindowModel(size: 5000, slide: 1000)
        var maxTs: Int64 = 1_000_000
        for _ in 0..<3000 {
            let key = "k\(rng.next() % 7)"
            // Mostly in order, some disorder, a few records far in the past.
            var ts = maxTs + Int64(rng.next() % 300)
            if rng.next() % 10 == 0 { ts -= Int64(rng.next() % 3000) }
            if rng.next() % 50 == 0 { ts -= Int64(rng.next() % 12_000) }
            maxTs = max(maxTs, ts)
            try h.process(Ev(key: key, ts: ts), timestamp: ts)
            model.record(key, ts)
            if rng.next() % 3 == 0 {
                let wm = maxTs - 2001
                try h.watermark(wm)
                model.advance(to: wm)
            }
        }
        try h.endInput()
        model.advance(to: .max)
        #expect(rows(h.records) == model.output.sorted())
        #expect(h.metric("numLateRecordsDropped") == Int64(model.late))
        #expect(model.late > 0)   // the stream really exercises lateness
    }
}

/// A small deterministic generator for reproducible randomized tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
