import Dataflow

/// Keyed time windows with incremental aggregation, with Flink's `WindowOperator` semantics:
/// - a record goes to every window of its timestamp whose cleanup time (`maxTimestamp + allowedLateness`) is
///   still above the watermark, and skips the others;
/// - a record that skipped all of its windows is late: counted (`numLateRecordsDropped`) and sent to the late
///   side output if there is one;
/// - a window fires when the watermark reaches its `maxTimestamp` (event time) or the clock does (processing
///   time), emitting `(key, window, result)` stamped with `maxTimestamp`; with allowed lateness, each late record
///   that updates a fired window fires it again, until its cleanup time;
/// - a window that received no record does not exist and emits nothing.
final class WindowOperator<K: StableHashable, T, A: AggregateFunction>: StreamOperator where A.Input == T {
    typealias Input = Keyed<K, T>
    let output: Output<WindowResult<K, A.Result>>

    private struct OpenWindow {
        let start: Timestamp
        var accumulator: A.Accumulator
    }
    private struct Timer {
        let time: Timestamp
        let slot: Int32
        let start: Timestamp
        /// The window fires at this timer (it may also be its cleanup).
        let fires: Bool
        /// The window's state is dropped at this timer.
        let cleans: Bool
    }

    private let assigner: WindowAssigner
    private let aggregate: A
    private let lateness: Int64
    private let lateTag: String?
    private var lateOutput: Output<T>?
    private var lateCounter = Counter()
    private var processingTime: ProcessingTimeService?

    private var slotOf: [K: Int32] = [:]
    private var keys: [K] = []
    private var windows: [[OpenWindow]] = []
    private var timers = Heap<Timer> { $0.time < $1.time }
    private var procTimers = Heap<Timer> { $0.time < $1.time }
    private var scheduledProcessingTime: Timestamp = .max
    private(set) var currentWatermark: Timestamp = Watermark.none

    init(_ spec: WindowSpec<K, T, A>, output: Output<WindowResult<K, A.Result>>) {
        assigner = spec.assigner
        aggregate = spec.aggregate
        lateness = spec.allowedLateness
        lateTag = spec.lateOutput
        self.output = output
    }

    func open(_ context: OperatorContext) throws {
        lateOutput = context.sideOutput(lateTag, as: T.self)
        lateCounter = context.metrics.counter("numLateRecordsDropped")
        processingTime = context.processingTime
    }

    private func slot(for key: K) -> Int32 {
        if let s = slotOf[key] { return s }
        let s = Int32(keys.count)
        keys.append(key)
        windows.append([])
        slotOf[key] = s
        return s
    }

    func process(_ value: Keyed<K, T>, timestamp: Timestamp) throws {
        if assigner.time == .processingTime {
            try processOnProcessingTime(value)
            return
        }
        var start = assigner.lastWindowStart(for: timestamp)
        let lowest = timestamp - assigner.size
        var added = false
        var slotIndex: Int32 = -1
        while start > lowest {
            let maxTimestamp = start + assigner.size - 1
            if maxTimestamp + lateness > currentWatermark {
                if slotIndex < 0 { slotIndex = slot(for: value.key) }
                add(value.value, toWindowAt: start, slot: slotIndex, maxTimestamp: maxTimestamp)
                added = true
                // Allowed lateness: a fired window that is still kept fires again with the late record in it.
                if maxTimestamp <= currentWatermark { try fire(slot: slotIndex, start: start, maxTimestamp: maxTimestamp) }
            }
            start -= assigner.slide
        }
        if !added {
            lateCounter.increment()
            try lateOutput?.emit(value.value, timestamp: timestamp)
        }
    }

    private func add(_ value: T, toWindowAt start: Timestamp, slot: Int32, maxTimestamp: Timestamp) {
        let s = Int(slot)
        for i in windows[s].indices where windows[s][i].start == start {
            aggregate.add(value, to: &windows[s][i].accumulator)
            return
        }
        var acc = aggregate.createAccumulator()
        aggregate.add(value, to: &acc)
        windows[s].append(OpenWindow(start: start, accumulator: acc))
        if lateness == 0 {
            timers.push(Timer(time: maxTimestamp, slot: slot, start: start, fires: true, cleans: true))
        } else {
            timers.push(Timer(time: maxTimestamp, slot: slot, start: start, fires: true, cleans: false))
            timers.push(Timer(time: maxTimestamp + lateness, slot: slot, start: start, fires: false, cleans: true))
        }
    }

    private func fire(slot: Int32, start: Timestamp, maxTimestamp: Timestamp) throws {
        guard let w = windows[Int(slot)].first(where: { $0.start == start }) else { return }
        let window = TimeWindow(start: start, end: start + assigner.size)
        try output.emit(WindowResult(key: keys[Int(slot)], window: window, value: aggregate.result(w.accumulator)),
                        timestamp: maxTimestamp)
    }

    private func drop(slot: Int32, start: Timestamp) {
        let s = Int(slot)
        if let i = windows[s].firstIndex(where: { $0.start == start }) { windows[s].remove(at: i) }
    }

    func processWatermark(_ watermark: Timestamp) throws {
        guard watermark > currentWatermark else { return }
        currentWatermark = watermark
        while let t = timers.top, t.time <= watermark {
            timers.pop()
            if t.fires { try fire(slot: t.slot, start: t.start, maxTimestamp: t.start + assigner.size - 1) }
            if t.cleans { drop(slot: t.slot, start: t.start) }
        }
        try output.emitWatermark(watermark)
    }

    // MARK: Processing time

    private func processOnProcessingTime(_ value: Keyed<K, T>) throws {
        guard let clock = processingTime else { return }
        let now = clock.now
        let slotIndex = slot(for: value.key)
        var start = assigner.lastWindowStart(for: now)
        while start > now - assigner.size {
            let s = Int(slotIndex)
            if let i = windows[s].firstIndex(where: { $0.start == start }) {
                aggregate.add(value.value, to: &windows[s][i].accumulator)
            } else {
                var acc = aggregate.createAccumulator()
                aggregate.add(value.value, to: &acc)
                windows[s].append(OpenWindow(start: start, accumulator: acc))
                let maxTimestamp = start + assigner.size - 1
                procTimers.push(Timer(time: maxTimestamp, slot: slotIndex, start: start, fires: true, cleans: true))
                scheduleProcessingTime(maxTimestamp)
            }
            start -= assigner.slide
        }
    }

    private func scheduleProcessingTime(_ time: Timestamp) {
        guard time < scheduledProcessingTime, let service = processingTime else { return }
        scheduledProcessingTime = time
        service.schedule(at: time) { [unowned self] fired in try self.onProcessingTime(fired) }
    }

    private func onProcessingTime(_ time: Timestamp) throws {
        scheduledProcessingTime = .max
        guard let now = processingTime?.now else { return }
        while let t = procTimers.top, t.time <= now {
            procTimers.pop()
            try fire(slot: t.slot, start: t.start, maxTimestamp: t.time)
            drop(slot: t.slot, start: t.start)
        }
        if let next = procTimers.top { scheduleProcessingTime(next.time) }
    }

    /// At the end of input, processing-time windows still open fire too (as Flink does for bounded input).
    func finish() throws {
        while let t = procTimers.pop() {
            try fire(slot: t.slot, start: t.start, maxTimestamp: t.time)
            drop(slot: t.slot, start: t.start)
        }
    }

    /// Open windows and pending timers (operator tests check that state is cleaned up).
    var openWindowCount: Int { windows.reduce(0) { $0 + $1.count } }
}
