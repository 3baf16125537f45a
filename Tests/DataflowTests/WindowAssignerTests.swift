import Testing
@testable import Dataflow

// Expected windows come from Flink 2.3's SlidingEventTimeWindows / TumblingEventTimeWindows `assignWindows`
// (TimeWindow.getWindowStartWithOffset), printed by /tmp/kg/KG.java, in Flink's order (latest window first).
// Negative timestamps matter: Java's `%` keeps the dividend's sign, which the start computation must undo.

private typealias Vector = (ts: Int64, windows: [(Int64, Int64)])

private func check(_ assigner: WindowAssigner, _ vectors: [Vector], sourceLocation: SourceLocation = #_sourceLocation) {
    for v in vectors {
        let got = assigner.windows(for: v.ts)
        let want = v.windows.map { TimeWindow(start: $0.0, end: $0.1) }
        #expect(got == want, "timestamp \(v.ts)", sourceLocation: sourceLocation)
    }
}

@Test("sliding 5 s / 1 s matches Flink, for positive, zero and negative timestamps")
func slidingNoOffset() {
    check(.sliding(size: .seconds(5), slide: .seconds(1)), [
        (1764000000123, [(1764000000000, 1764000005000), (1763999999000, 1764000004000), (1763999998000, 1764000003000), (1763999997000, 1764000002000), (1763999996000, 1764000001000)]),
        (7000, [(7000, 12000), (6000, 11000), (5000, 10000), (4000, 9000), (3000, 8000)]),
        (4999, [(4000, 9000), (3000, 8000), (2000, 7000), (1000, 6000), (0, 5000)]),
        (5000, [(5000, 10000), (4000, 9000), (3000, 8000), (2000, 7000), (1000, 6000)]),
        (1, [(0, 5000), (-1000, 4000), (-2000, 3000), (-3000, 2000), (-4000, 1000)]),
        (0, [(0, 5000), (-1000, 4000), (-2000, 3000), (-3000, 2000), (-4000, 1000)]),
        (-1, [(-1000, 4000), (-2000, 3000), (-3000, 2000), (-4000, 1000), (-5000, 0)]),
        (-1000, [(-1000, 4000), (-2000, 3000), (-3000, 2000), (-4000, 1000), (-5000, 0)]),
        (-4999, [(-5000, 0), (-6000, -1000), (-7000, -2000), (-8000, -3000), (-9000, -4000)]),
        (-5001, [(-6000, -1000), (-7000, -2000), (-8000, -3000), (-9000, -4000), (-10000, -5000)]),
        (-123456, [(-124000, -119000), (-125000, -120000), (-126000, -121000), (-127000, -122000), (-128000, -123000)]),
    ])
}

@Test("sliding 5 s / 1 s with a +300 ms offset matches Flink")
func slidingPositiveOffset() {
    check(.sliding(size: .seconds(5), slide: .seconds(1), offset: .milliseconds(300)), [
        (1764000000123, [(1763999999300, 1764000004300), (1763999998300, 1764000003300), (1763999997300, 1764000002300), (1763999996300, 1764000001300), (1763999995300, 1764000000300)]),
        (7000, [(6300, 11300), (5300, 10300), (4300, 9300), (3300, 8300), (2300, 7300)]),
        (4999, [(4300, 9300), (3300, 8300), (2300, 7300), (1300, 6300), (300, 5300)]),
        (5000, [(4300, 9300), (3300, 8300), (2300, 7300), (1300, 6300), (300, 5300)]),
        (1, [(-700, 4300), (-1700, 3300), (-2700, 2300), (-3700, 1300), (-4700, 300)]),
        (0, [(-700, 4300), (-1700, 3300), (-2700, 2300), (-3700, 1300), (-4700, 300)]),
        (-1, [(-700, 4300), (-1700, 3300), (-2700, 2300), (-3700, 1300), (-4700, 300)]),
        (-1000, [(-1700, 3300), (-2700, 2300), (-3700, 1300), (-4700, 300), (-5700, -700)]),
        (-4999, [(-5700, -700), (-6700, -1700), (-7700, -2700), (-8700, -3700), (-9700, -4700)]),
        (-5001, [(-5700, -700), (-6700, -1700), (-7700, -2700), (-8700, -3700), (-9700, -4700)]),
        (-123456, [(-123700, -118700), (-124700, -119700), (-125700, -120700), (-126700, -121700), (-127700, -122700)]),
    ])
}

@Test("sliding 5 s / 1 s with a -300 ms offset matches Flink")
func slidingNegativeOffset() {
    check(.sliding(size: .seconds(5), slide: .seconds(1), offset: .milliseconds(-300)), [
        (1764000000123, [(1763999999700, 1764000004700), (1763999998700, 1764000003700), (1763999997700, 1764000002700), (1763999996700, 1764000001700), (1763999995700, 1764000000700)]),
        (7000, [(6700, 11700), (5700, 10700), (4700, 9700), (3700, 8700), (2700, 7700)]),
        (4999, [(4700, 9700), (3700, 8700), (2700, 7700), (1700, 6700), (700, 5700)]),
        (5000, [(4700, 9700), (3700, 8700), (2700, 7700), (1700, 6700), (700, 5700)]),
        (1, [(-300, 4700), (-1300, 3700), (-2300, 2700), (-3300, 1700), (-4300, 700)]),
        (0, [(-300, 4700), (-1300, 3700), (-2300, 2700), (-3300, 1700), (-4300, 700)]),
        (-1, [(-300, 4700), (-1300, 3700), (-2300, 2700), (-3300, 1700), (-4300, 700)]),
        (-1000, [(-1300, 3700), (-2300, 2700), (-3300, 1700), (-4300, 700), (-5300, -300)]),
        (-4999, [(-5300, -300), (-6300, -1300), (-7300, -2300), (-8300, -3300), (-9300, -4300)]),
        (-5001, [(-5300, -300), (-6300, -1300), (-7300, -2300), (-8300, -3300), (-9300, -4300)]),
        (-123456, [(-124300, -119300), (-125300, -120300), (-126300, -121300), (-127300, -122300), (-128300, -123300)]),
    ])
}

@Test("sliding 5 s / 2 s (size not a multiple of slide) matches Flink")
func slidingUneven() {
    check(.sliding(size: .seconds(5), slide: .seconds(2)), [
        (1764000000123, [(1764000000000, 1764000005000), (1763999998000, 1764000003000), (1763999996000, 1764000001000)]),
        (7000, [(6000, 11000), (4000, 9000)]),
        (4999, [(4000, 9000), (2000, 7000), (0, 5000)]),
        (5000, [(4000, 9000), (2000, 7000)]),
        (1, [(0, 5000), (-2000, 3000), (-4000, 1000)]),
        (0, [(0, 5000), (-2000, 3000), (-4000, 1000)]),
        (-1, [(-2000, 3000), (-4000, 1000)]),
        (-1000, [(-2000, 3000), (-4000, 1000)]),
        (-4999, [(-6000, -1000), (-8000, -3000)]),
        (-5001, [(-6000, -1000), (-8000, -3000), (-10000, -5000)]),
        (-123456, [(-124000, -119000), (-126000, -121000), (-128000, -123000)]),
    ])
}

@Test("tumbling 5 s matches Flink")
func tumblingNoOffset() {
    check(.tumbling(size: .seconds(5)), [
        (1764000000123, [(1764000000000, 1764000005000)]),
        (7000, [(5000, 10000)]),
        (4999, [(0, 5000)]),
        (5000, [(5000, 10000)]),
        (1, [(0, 5000)]),
        (0, [(0, 5000)]),
        (-1, [(-5000, 0)]),
        (-1000, [(-5000, 0)]),
        (-4999, [(-5000, 0)]),
        (-5001, [(-10000, -5000)]),
        (-123456, [(-125000, -120000)]),
    ])
}

@Test("tumbling 5 s with ±2 s offsets matches Flink")
func tumblingOffsets() {
    check(.tumbling(size: .seconds(5), offset: .seconds(2)), [
        (1764000000123, [(1763999997000, 1764000002000)]),
        (7000, [(7000, 12000)]),
        (4999, [(2000, 7000)]),
        (5000, [(2000, 7000)]),
        (1, [(-3000, 2000)]),
        (0, [(-3000, 2000)]),
        (-1, [(-3000, 2000)]),
        (-1000, [(-3000, 2000)]),
        (-4999, [(-8000, -3000)]),
        (-5001, [(-8000, -3000)]),
        (-123456, [(-128000, -123000)]),
    ])
    check(.tumbling(size: .seconds(5), offset: .seconds(-2)), [
        (1764000000123, [(1763999998000, 1764000003000)]),
        (7000, [(3000, 8000)]),
        (4999, [(3000, 8000)]),
        (5000, [(3000, 8000)]),
        (1, [(-2000, 3000)]),
        (0, [(-2000, 3000)]),
        (-1, [(-2000, 3000)]),
        (-1000, [(-2000, 3000)]),
        (-4999, [(-7000, -2000)]),
        (-5001, [(-7000, -2000)]),
        (-123456, [(-127000, -122000)]),
    ])
}

// Property check beyond the vectors: every window holds the timestamp, starts are offset-aligned, and there is no
// other such window (Flink's definition of the assignment).
@Test("each assigned window contains the timestamp and none is missing",
      arguments: [(5000, 1000, 0), (5000, 1000, 300), (5000, 2000, -700), (3000, 3000, 1000), (10, 3, 2)] as [(Int64, Int64, Int64)])
func windowsAreExactlyTheContainingOnes(_ p: (Int64, Int64, Int64)) {
    let (size, slide, offset) = p
    let a = WindowAssigner.sliding(size: .milliseconds(size), slide: .milliseconds(slide), offset: .milliseconds(offset))
    for ts in stride(from: Int64(-3 * size), through: 3 * size, by: 7) {
        let got = a.windows(for: ts)
        // Brute force: all aligned starts s with s <= ts < s + size.
        var want: [TimeWindow] = []
        var s = ts + slide
        while s > ts - size - slide {
            let aligned = ((s - offset) % slide + slide) % slide == 0
            if aligned && s <= ts && ts < s + size { want.append(TimeWindow(start: s, end: s + size)) }
            s -= 1
        }
        #expect(got == want, "ts \(ts) size \(size) slide \(slide) offset \(offset)")
    }
}

@Test("TimeWindow: maxTimestamp is end - 1, ordering by end then start, Flink's description")
func timeWindowBasics() {
    let w = TimeWindow(start: 1000, end: 6000)
    #expect(w.maxTimestamp == 5999)
    #expect(TimeWindow(start: 0, end: 5000) < TimeWindow(start: 1000, end: 6000))
    #expect(TimeWindow(start: 0, end: 5000) < TimeWindow(start: 1000, end: 5000))
    #expect(w.description == "TimeWindow{start=1000, end=6000}")   // Flink's TimeWindow.toString
}

@Test("assigner description uses Flink's plan names")
func assignerDescription() {
    #expect(WindowAssigner.sliding(size: .seconds(5), slide: .seconds(1)).description == "SlidingEventTimeWindows(5000, 1000)")
    #expect(WindowAssigner.tumbling(size: .seconds(5)).description == "TumblingEventTimeWindows(5000)")
    #expect(WindowAssigner.tumbling(size: .seconds(5), time: .processingTime).description == "TumblingProcessingTimeWindows(5000)")
    #expect(!WindowAssigner.tumbling(size: .seconds(5)).isSliding)
}

@Test("Duration.milliseconds truncates sub-millisecond parts")
func durationMilliseconds() {
    #expect(Duration.seconds(5).milliseconds == 5000)
    #expect(Duration.milliseconds(1500).milliseconds == 1500)
    #expect(Duration.microseconds(2999).milliseconds == 2)
    #expect(Duration.milliseconds(-300).milliseconds == -300)
}
