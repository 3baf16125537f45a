import Dataflow
import Foundation

/// Runs a `KeyedProcessFunction`: sets the current key for state, and keeps the timers of every key.
final class KeyedProcessOperator<F: KeyedProcessFunction>: StreamOperator, TimerService {
    typealias Input = Keyed<F.Key, F.Input>
    let output: Output<F.Output>
    private let function: F
    private let state: KeyedStateStore<F.Key>
    private var context: ProcessContext<F.Key, F.Output>?
    private var processingTime: ProcessingTimeService!
    private var sideOutputs: [String: AnyObject] = [:]

    private struct TimerKey: Hashable { let time: Timestamp; let slot: Int }
    private var eventTimers = Heap<TimerKey> { $0.time < $1.time }
    private var eventTimerSet: Set<TimerKey> = []
    private var procTimers = Heap<TimerKey> { $0.time < $1.time }
    private var procTimerSet: Set<TimerKey> = []
    private var scheduledProcessingTime: Timestamp = .max
    private(set) var currentWatermark: Timestamp = Watermark.none
    /// A savepoint's share for this instance, applied once the function has registered its state in `open`.
    private var restored: OperatorSnapshot?

    init(_ spec: ProcessSpec<F>, output: Output<F.Output>, maxParallelism: Int) {
        function = spec.make()
        state = KeyedStateStore(maxParallelism: maxParallelism)
        self.output = output
    }

    func open(_ context: OperatorContext) throws {
        processingTime = context.processingTime
        sideOutputs = context.sideOutputs
        try function.open(context: context.runtime, state: state)
        if let snapshot = restored {
            restored = nil
            try apply(snapshot)
        }
    }

    private func contextFor(_ key: F.Key, _ ts: Timestamp, _ domain: TimeDomain) -> ProcessContext<F.Key, F.Output> {
        if let c = context { c.prepare(key: key, timestamp: ts, domain: domain); return c }
        let c = ProcessContext<F.Key, F.Output>(key: key, timers: self, output: output, sideOutputs: sideOutputs)
        c.prepare(key: key, timestamp: ts, domain: domain)
        context = c
        return c
    }

    func process(_ value: Keyed<F.Key, F.Input>, timestamp: Timestamp) throws {
        state.setCurrentKey(value.key)
        try function.processElement(value.value, contextFor(value.key, timestamp, .eventTime))
        if let error = state.lateRestoreError { throw error }
    }

    func processWatermark(_ watermark: Timestamp) throws {
        guard watermark > currentWatermark else { return }
        currentWatermark = watermark
        while let t = eventTimers.top, t.time <= watermark {
            eventTimers.pop()
            guard eventTimerSet.remove(t) != nil else { continue }   // deleted
            state.setCurrentSlot(t.slot)
            try function.onTimer(t.time, contextFor(state.currentKey, t.time, .eventTime))
        }
        try output.emitWatermark(watermark)
    }

    func close() throws { try function.close() }

    // MARK: Savepoints

    private static var eventTimersName: String { "__event-timers" }
    private static var processingTimersName: String { "__processing-timers" }

    func snapshotState() throws -> OperatorSnapshot? {
        var event: [Int: [Timestamp]] = [:], processing: [Int: [Timestamp]] = [:]
        for t in eventTimerSet { event[t.slot, default: []].append(t.time) }
        for t in procTimerSet { processing[t.slot, default: []].append(t.time) }
        let entries = try state.snapshot { slot in
            var values: [String: Data] = [:]
            if let times = event[slot] { values[Self.eventTimersName] = try StateCodec.encode(times.sorted(), "event-time timers") }
            if let times = processing[slot] { values[Self.processingTimersName] = try StateCodec.encode(times.sorted(), "processing-time timers") }
            return values
        }
        return OperatorSnapshot(keyed: entries, watermark: currentWatermark == Watermark.none ? nil : currentWatermark)
    }

    func restoreState(_ snapshot: OperatorSnapshot) throws { restored = snapshot }

    private func apply(_ snapshot: OperatorSnapshot) throws {
        if let wm = snapshot.watermark { currentWatermark = wm }
        try state.restore(snapshot.keyed) { slot, values in
            if let d = values[Self.eventTimersName] {
                for time in try StateCodec.decode([Timestamp].self, from: d, "event-time timers") {
                    let k = TimerKey(time: time, slot: slot)
                    if eventTimerSet.insert(k).inserted { eventTimers.push(k) }
                }
            }
            if let d = values[Self.processingTimersName] {
                for time in try StateCodec.decode([Timestamp].self, from: d, "processing-time timers") {
                    let k = TimerKey(time: time, slot: slot)
                    if procTimerSet.insert(k).inserted { procTimers.push(k) }
                }
            }
        }
        if let next = procTimers.top { schedule(next.time) }
    }

    // MARK: TimerService

    var currentProcessingTime: Timestamp { processingTime.now }

    func registerEventTimeTimer(_ time: Timestamp) {
        let k = TimerKey(time: time, slot: state.cursor.slot)
        if eventTimerSet.insert(k).inserted { eventTimers.push(k) }
    }
    func deleteEventTimeTimer(_ time: Timestamp) { eventTimerSet.remove(TimerKey(time: time, slot: state.cursor.slot)) }

    func registerProcessingTimeTimer(_ time: Timestamp) {
        let k = TimerKey(time: time, slot: state.cursor.slot)
        if procTimerSet.insert(k).inserted {
            procTimers.push(k)
            schedule(time)
        }
    }
    func deleteProcessingTimeTimer(_ time: Timestamp) { procTimerSet.remove(TimerKey(time: time, slot: state.cursor.slot)) }

    private func schedule(_ time: Timestamp) {
        guard time < scheduledProcessingTime else { return }
        scheduledProcessingTime = time
        processingTime.schedule(at: time) { [unowned self] _ in try self.onProcessingTime() }
    }

    private func onProcessingTime() throws {
        scheduledProcessingTime = .max
        let now = processingTime.now
        while let t = procTimers.top, t.time <= now {
            procTimers.pop()
            guard procTimerSet.remove(t) != nil else { continue }
            state.setCurrentSlot(t.slot)
            try function.onTimer(t.time, contextFor(state.currentKey, t.time, .processingTime))
        }
        if let next = procTimers.top { schedule(next.time) }
    }
}
