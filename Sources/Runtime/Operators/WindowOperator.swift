import Dataflow
import Foundation

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

    fileprivate let assigner: WindowAssigner
    private let aggregate: A
    fileprivate let lateness: Int64
    private let lateTag: String?
    private var lateOutput: Output<T>?
    private var lateCounter = Counter()
    private var processingTime: ProcessingTimeService?
    fileprivate var maxParallelism = KeyGroups.defaultMaxParallelism

    // Keys are numbered densely; a window's state is found by (key slot, start) and lives in one accumulator
    // column with a free list. The bookkeeping types are not generic, so the hot path needs no generic type
    // lookups beyond the accumulator column.
    fileprivate var slotOf: [K: Int32] = [:]
    fileprivate var keys: [K] = []
    fileprivate var windowIndex: [WindowKey: Int32] = [:]
    fileprivate var accumulators: [A.Accumulator] = []
    private var freeAccumulators: [Int32] = []
    fileprivate var timers = Heap<WindowTimer> { $0.time < $1.time }
    fileprivate var procTimers = Heap<WindowTimer> { $0.time < $1.time }
    private var scheduledProcessingTime: Timestamp = .max
    fileprivate(set) var currentWatermark: Timestamp = Watermark.none

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
        maxParallelism = context.maxParallelism
        if let next = procTimers.top { scheduleProcessingTime(next.time) }   // restored processing-time windows
    }

    fileprivate func slot(for key: K) -> Int32 {
        if let s = slotOf[key] { return s }
        let s = Int32(keys.count)
        keys.append(key)
        slotOf[key] = s
        return s
    }

    func process(_ value: Keyed<K, T>, timestamp: Timestamp) throws {
        if assigner.time == .processingTime {
            try processOnProcessingTime(value)
            return
        }
        let size = assigner.size, slide = assigner.slide, wm = currentWatermark, lateness = self.lateness
        var start = assigner.lastWindowStart(for: timestamp)
        let lowest = timestamp - size
        var added = false
        var slotIndex: Int32 = -1
        while start > lowest {
            let maxTimestamp = start + size - 1
            if maxTimestamp + lateness > wm {
                if slotIndex < 0 { slotIndex = slot(for: value.key) }
                let created = add(value.value, to: WindowKey(slot: slotIndex, start: start))
                if created {
                    if lateness == 0 {
                        timers.push(WindowTimer(time: maxTimestamp, slot: slotIndex, start: start, fires: true, cleans: true))
                    } else {
                        timers.push(WindowTimer(time: maxTimestamp, slot: slotIndex, start: start, fires: true, cleans: false))
                        timers.push(WindowTimer(time: maxTimestamp + lateness, slot: slotIndex, start: start, fires: false, cleans: true))
                    }
                }
                added = true
                // Allowed lateness: a fired window that is still kept fires again with the late record in it.
                if maxTimestamp <= wm { try fire(WindowKey(slot: slotIndex, start: start), maxTimestamp: maxTimestamp) }
            }
            start -= slide
        }
        if !added {
            lateCounter.increment()
            try lateOutput?.emit(value.value, timestamp: timestamp)
        }
    }

    /// Adds to the window's accumulator; returns whether the window was created by this record.
    @inline(__always)
    private func add(_ value: T, to window: WindowKey) -> Bool {
        if let i = windowIndex[window] {
            aggregate.add(value, to: &accumulators[Int(i)])
            return false
        }
        var acc = aggregate.createAccumulator()
        aggregate.add(value, to: &acc)
        let i: Int32
        if let free = freeAccumulators.popLast() {
            i = free
            accumulators[Int(i)] = acc
        } else {
            i = Int32(accumulators.count)
            accumulators.append(acc)
        }
        windowIndex[window] = i
        return true
    }

    private func fire(_ window: WindowKey, maxTimestamp: Timestamp) throws {
        guard let i = windowIndex[window] else { return }
        let w = TimeWindow(start: window.start, end: window.start + assigner.size)
        try output.emit(WindowResult(key: keys[Int(window.slot)], window: w, value: aggregate.result(accumulators[Int(i)])),
                        timestamp: maxTimestamp)
    }

    private func drop(_ window: WindowKey) {
        guard let i = windowIndex.removeValue(forKey: window) else { return }
        accumulators[Int(i)] = aggregate.createAccumulator()   // release what the accumulator holds
        freeAccumulators.append(i)
    }

    func processWatermark(_ watermark: Timestamp) throws {
        guard watermark > currentWatermark else { return }
        currentWatermark = watermark
        while let t = timers.top, t.time <= watermark {
            timers.pop()
            let window = WindowKey(slot: t.slot, start: t.start)
            if t.fires { try fire(window, maxTimestamp: t.start + assigner.size - 1) }
            if t.cleans { drop(window) }
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
            if add(value.value, to: WindowKey(slot: slotIndex, start: start)) {
                let maxTimestamp = start + assigner.size - 1
                procTimers.push(WindowTimer(time: maxTimestamp, slot: slotIndex, start: start, fires: true, cleans: true))
                scheduleProcessingTime(maxTimestamp)
            }
            start -= assigner.slide
        }
    }

    fileprivate func scheduleProcessingTime(_ time: Timestamp) {
        guard time < scheduledProcessingTime, let service = processingTime else { return }
        scheduledProcessingTime = time
        service.schedule(at: time) { [unowned self] fired in try self.onProcessingTime(fired) }
    }

    private func onProcessingTime(_ time: Timestamp) throws {
        scheduledProcessingTime = .max
        guard let now = processingTime?.now else { return }
        while let t = procTimers.top, t.time <= now {
            procTimers.pop()
            let window = WindowKey(slot: t.slot, start: t.start)
            try fire(window, maxTimestamp: t.time)
            drop(window)
        }
        if let next = procTimers.top { scheduleProcessingTime(next.time) }
    }

    /// At the end of input, processing-time windows still open fire too (as Flink does for bounded input).
    func finish() throws {
        while let t = procTimers.pop() {
            let window = WindowKey(slot: t.slot, start: t.start)
            try fire(window, maxTimestamp: t.time)
            drop(window)
        }
    }
}

// MARK: Savepoints

extension WindowOperator {
    private static var startsName: String { "__window-starts" }
    private static var accumulatorsName: String { "__window-accumulators" }

    /// Per key, its open windows (starts and accumulators); timers follow from them at restore.
    func snapshotState() throws -> OperatorSnapshot? {
        var bySlot: [Int32: [(start: Timestamp, index: Int32)]] = [:]
        for (w, i) in windowIndex { bySlot[w.slot, default: []].append((w.start, i)) }
        var entries: [KeyedStateEntry] = []
        for (slot, windows) in bySlot.sorted(by: { $0.key < $1.key }) {
            let sorted = windows.sorted { $0.start < $1.start }
            let key = keys[Int(slot)]
            entries.append(KeyedStateEntry(
                keyGroup: KeyGroups.keyGroup(of: key, maxParallelism: maxParallelism),
                key: try StateCodec.encode(key, "the window key"),
                values: [Self.startsName: try StateCodec.encode(sorted.map(\.start), "window starts"),
                         Self.accumulatorsName: try StateCodec.encode(sorted.map { accumulators[Int($0.index)] }, "the window accumulator")]))
        }
        let wm: Timestamp? = currentWatermark == Watermark.none ? nil : currentWatermark
        return OperatorSnapshot(keyed: entries, watermark: wm)
    }

    func restoreState(_ snapshot: OperatorSnapshot) throws {
        if let wm = snapshot.watermark { currentWatermark = wm }
        for e in snapshot.keyed {
            let key = try StateCodec.decode(K.self, from: e.key, "the window key")
            guard let s = e.values[Self.startsName], let a = e.values[Self.accumulatorsName] else {
                throw StateSnapshotError("the savepoint's window state for a key has no windows")
            }
            let starts = try StateCodec.decode([Timestamp].self, from: s, "window starts")
            let accs = try StateCodec.decode([A.Accumulator].self, from: a, "the window accumulator")
            guard starts.count == accs.count else { throw StateSnapshotError("the savepoint's window state is inconsistent") }
            let slotIndex = slot(for: key)
            for (start, acc) in zip(starts, accs) {
                let window = WindowKey(slot: slotIndex, start: start)
                windowIndex[window] = Int32(accumulators.count)
                accumulators.append(acc)
                let maxTimestamp = start + assigner.size - 1
                if assigner.time == .processingTime {
                    procTimers.push(WindowTimer(time: maxTimestamp, slot: slotIndex, start: start, fires: true, cleans: true))
                } else if lateness == 0 {
                    timers.push(WindowTimer(time: maxTimestamp, slot: slotIndex, start: start, fires: true, cleans: true))
                } else {
                    // A window already fired before the savepoint waits only for its cleanup.
                    if maxTimestamp > currentWatermark {
                        timers.push(WindowTimer(time: maxTimestamp, slot: slotIndex, start: start, fires: true, cleans: false))
                    }
                    timers.push(WindowTimer(time: maxTimestamp + lateness, slot: slotIndex, start: start, fires: false, cleans: true))
                }
            }
        }
    }
}

/// A window of one key: the key's slot and the window's start.
struct WindowKey: Hashable {
    let slot: Int32
    let start: Timestamp
}

struct WindowTimer {
    let time: Timestamp
    let slot: Int32
    let start: Timestamp
    /// The window fires at this timer (it may also be its cleanup).
    let fires: Bool
    /// The window's state is dropped at this timer.
    let cleans: Bool
}
