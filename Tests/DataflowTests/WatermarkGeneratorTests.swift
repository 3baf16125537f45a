import Testing
@testable import Dataflow

// Semantics of Flink's BoundedOutOfOrdernessWatermarks: watermark = highest timestamp − bound − 1, so a record
// exactly `bound` late is still on time. Per-record emission sends one only when the watermark advances.

@Test("bounded out-of-orderness, per record: max − bound − 1, only when the maximum rises")
func boundedPerRecord() {
    var g = WatermarkStrategy<Int64>.boundedOutOfOrderness(.seconds(2), emit: .perRecord) { $0 }.makeGenerator()
    #expect(g.onEvent(10_000) == 7_999)
    #expect(g.onEvent(9_000) == nil)       // out of order: the maximum stays
    #expect(g.onEvent(10_000) == nil)      // equal to the maximum: nothing new
    #expect(g.onEvent(10_001) == 8_000)
    #expect(g.onEvent(15_000) == 12_999)
    #expect(g.onPeriodicEmit() == nil)     // per-record strategies never emit periodically
}

@Test("bounded out-of-orderness works for negative and zero timestamps")
func boundedNegative() {
    var g = WatermarkStrategy<Int64>.boundedOutOfOrderness(.milliseconds(500), emit: .perRecord) { $0 }.makeGenerator()
    #expect(g.onEvent(-10_000) == -10_501)
    #expect(g.onEvent(0) == -501)
}

@Test("periodic emission: nothing before the first record, then the current watermark once per advance")
func boundedPeriodic() {
    var g = WatermarkStrategy<Int64>.boundedOutOfOrderness(.seconds(2), emit: .periodic(milliseconds: 200)) { $0 }
        .makeGenerator()
    #expect(g.onPeriodicEmit() == nil)     // Flink would emit Long.MIN_VALUE: "no watermark yet"
    #expect(g.onEvent(5_000) == nil)       // periodic: records do not emit
    #expect(g.onEvent(6_000) == nil)
    #expect(g.onPeriodicEmit() == 3_999)
    #expect(g.onPeriodicEmit() == nil)     // unchanged since the last emission
    #expect(g.onEvent(4_000) == nil)
    #expect(g.onPeriodicEmit() == nil)     // a late record does not move it back
    #expect(g.onEvent(8_000) == nil)
    #expect(g.onPeriodicEmit() == 5_999)
}

@Test("monotonous timestamps: watermark = max − 1")
func monotonous() {
    var per = WatermarkStrategy<Int64>.monotonousTimestamps(emit: .perRecord) { $0 }.makeGenerator()
    #expect(per.onEvent(1_000) == 999)
    #expect(per.onEvent(1_000) == nil)
    #expect(per.onEvent(1_001) == 1_000)

    var periodic = WatermarkStrategy<Int64>.monotonousTimestamps { $0 }.makeGenerator()
    #expect(periodic.onEvent(1_000) == nil)
    #expect(periodic.onPeriodicEmit() == 999)
}

@Test("no watermarks: timestamps are taken but no watermark is ever emitted")
func noWatermarks() {
    var g = WatermarkStrategy<Int64>.noWatermarks.makeGenerator()
    #expect(g.onEvent(1_000) == nil)
    #expect(g.onPeriodicEmit() == nil)
    var t = WatermarkStrategy<Int64>.timestamps { $0 }.makeGenerator()
    #expect(t.onEvent(1_000) == nil)
    #expect(t.onPeriodicEmit() == nil)
}

@Test("records without a timestamp do not move the watermark")
func noTimestampRecords() {
    var g = WatermarkStrategy<Int64>.boundedOutOfOrderness(.zero, emit: .perRecord) { $0 }.makeGenerator()
    #expect(g.onEvent(noTimestamp) == nil)
    #expect(g.onEvent(100) == 99)
}

@Test("strategy settings: defaults, bound in milliseconds, idleness")
func strategySettings() {
    let s = WatermarkStrategy<Int64>.boundedOutOfOrderness(.milliseconds(1500)) { $0 }
    #expect(s.generator == .boundedOutOfOrderness(milliseconds: 1500))
    #expect(s.emission == .periodic(milliseconds: 200))   // Flink's default pipeline.auto-watermark-interval
    #expect(s.idleTimeout == nil)
    let idle = s.withIdleness(.seconds(30))
    #expect(idle.idleTimeout == 30_000)
    #expect(idle.generator == s.generator && idle.emission == s.emission)
    #expect(idle.timestamp?(42) == 42)
    #expect(WatermarkStrategy<Int64>.monotonousTimestamps { $0 }.generator == .boundedOutOfOrderness(milliseconds: 0))
    #expect(WatermarkStrategy<Int64>.noWatermarks.timestamp == nil)
}
