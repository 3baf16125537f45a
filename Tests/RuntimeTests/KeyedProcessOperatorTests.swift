import Dataflow
import Testing
@testable import Runtime

/// Records every call, registers timers as told by the input, and keeps per-key state of all three kinds.
final class Recorder: KeyedProcessFunction {
    typealias Key = String
    typealias Input = Ev
    typealias Output = String

    var count: ValueState<Int>!
    var seen: ListState<Int64>!
    var tags: MapState<String, Int>!

    func open(context: RuntimeContext, state: KeyedStateStore<String>) throws {
        count = state.valueState("count")
        seen = state.listState("seen")
        tags = state.mapState("tags")
    }

    func processElement(_ value: Ev, _ ctx: ProcessContext<String, String>) throws {
        count.update((count.value ?? 0) + 1)
        seen.add(value.ts)
        tags["n\(value.n)", default: 0] += 1
        switch value.n {
        case 1: ctx.timers.registerEventTimeTimer(value.ts + 100)
        case 2: ctx.timers.registerProcessingTimeTimer(value.ts)
        case 3: ctx.timers.deleteEventTimeTimer(value.ts + 100)
        default: break
        }
        try ctx.collect("\(ctx.key) count=\(count.value!) seen=\(seen.values) tags=\(tags.entries.count)")
    }

    func onTimer(_ time: Int64, _ ctx: ProcessContext<String, String>) throws {
        try ctx.collect("timer \(ctx.key) \(time) \(ctx.timeDomain.rawValue) count=\(count.value ?? 0)")
    }
}

extension MapState {
    subscript(key: K, default d: V) -> V {
        get { self[key] ?? d }
        set { self[key] = newValue }
    }
}

@Suite("Keyed process operator: state and timers")
struct KeyedProcessOperatorTests {
    func harness(clock: ManualClock = ManualClock(0)) throws -> OperatorHarness<Ev, String> {
        try OperatorHarness(KeyBy(\Ev.key).process("p") { Recorder() }, clock: clock)
    }

    @Test("keyed state is isolated per key, for value, list and map state")
    func stateIsolation() throws {
        let h = try harness()
        try h.process(Ev(key: "a", ts: 1, n: 0), timestamp: 1)
        try h.process(Ev(key: "b", ts: 2, n: 0), timestamp: 2)
        try h.process(Ev(key: "a", ts: 3, n: 5), timestamp: 3)
        try h.process(Ev(key: "b", ts: 4, n: 0), timestamp: 4)
        #expect(h.records == [
            "a count=1 seen=[1] tags=1",
            "b count=1 seen=[2] tags=1",
            "a count=2 seen=[1, 3] tags=2",
            "b count=2 seen=[2, 4] tags=1",
        ])
    }

    @Test("event-time timers fire in time order across keys, once per (key, time), when the watermark passes")
    func eventTimersInOrder() throws {
        let h = try harness()
        try h.process(Ev(key: "b", ts: 500, n: 1), timestamp: 500)   // timer b@600
        try h.process(Ev(key: "a", ts: 100, n: 1), timestamp: 100)   // timer a@200
        try h.process(Ev(key: "c", ts: 300, n: 1), timestamp: 300)   // timer c@400
        try h.process(Ev(key: "a", ts: 100, n: 1), timestamp: 100)   // a@200 again: still one timer
        h.output.clear()
        try h.watermark(399)
        #expect(h.records == ["timer a 200 EventTime count=2"])
        try h.watermark(10_000)
        #expect(h.records == ["timer a 200 EventTime count=2", "timer c 400 EventTime count=1", "timer b 600 EventTime count=1"])
        // Timers fire before the watermark is passed on.
        #expect(h.output.elements.last.map { if case .watermark(10_000) = $0 { true } else { false } } == true)
    }

    @Test("a deleted timer does not fire")
    func deletedTimer() throws {
        let h = try harness()
        try h.process(Ev(key: "a", ts: 100, n: 1), timestamp: 100)   // timer a@200
        try h.process(Ev(key: "a", ts: 100, n: 3), timestamp: 100)   // delete a@200
        h.output.clear()
        try h.watermark(1000)
        #expect(h.records.isEmpty)
    }

    @Test("processing-time timers fire when the clock reaches them")
    func processingTimers() throws {
        let clock = ManualClock(0)
        let h = try harness(clock: clock)
        try h.process(Ev(key: "a", ts: 50, n: 2), timestamp: 0)
        try h.process(Ev(key: "b", ts: 30, n: 2), timestamp: 0)
        h.output.clear()
        try h.setProcessingTime(40)
        #expect(h.records == ["timer b 30 ProcessingTime count=1"])
        try h.setProcessingTime(100)
        #expect(h.records == ["timer b 30 ProcessingTime count=1", "timer a 50 ProcessingTime count=1"])
    }
}
