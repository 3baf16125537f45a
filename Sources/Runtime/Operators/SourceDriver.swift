import Dataflow
import Foundation

/// Runs a source reader in its subtask: assigns timestamps, generates watermarks (per record or periodically,
/// per split when the reader names splits), marks the subtask idle after the idleness timeout, routes dead
/// letters, and ends with the final watermark.
final class SourceDriver<T>: SourceOutput<T> {
    private let reader: any SourceReader<T>
    private let strategy: WatermarkStrategy<T>
    private var generator: WatermarkGenerator
    private let output: Output<T>
    private let deadLetterOutput: Output<DeadLetter>?
    private let recordsOut: Counter
    private let deadLetters: Counter
    private let watermarkGauge: Gauge
    private var uncounted = 0
    private let periodicInterval: Int64?
    private var nextPeriodicEmit: Timestamp = .min
    private var lastActivity: Timestamp = .min
    private var idle = false
    private var sawRecordSinceTick = false
    private var now: Timestamp = 0

    /// Per-split watermark state, used once the reader names splits.
    private struct Split {
        var generator: WatermarkGenerator
        var watermark: Timestamp = Watermark.none
        var lastActivity: Timestamp
        var idle = false
        var finished = false
    }
    private var splits: [Int: Split] = [:]
    private var combinedWatermark: Timestamp = Watermark.none
    /// Restored from a savepoint: each split's highest timestamp, given to its generator when the split is added.
    private var restoredMaxTimestamps: [Int: Timestamp] = [:]

    init(reader: any SourceReader<T>, strategy: WatermarkStrategy<T>, output: Output<T>,
         deadLetterOutput: Output<DeadLetter>?, metrics: MetricGroup) {
        self.reader = reader
        self.strategy = strategy
        self.generator = strategy.makeGenerator()
        self.output = output
        self.deadLetterOutput = deadLetterOutput
        recordsOut = metrics.counter("numRecordsOut")
        deadLetters = metrics.counter("numDeadLetters")
        watermarkGauge = metrics.gauge("currentOutputWatermark", initial: Watermark.none)
        if case .periodic(let ms) = strategy.emission, strategy.generator != .none { periodicInterval = max(1, ms) } else { periodicInterval = nil }
    }

    func open() throws { try reader.open() }
    func close() { publish(); reader.close() }
    func cancel() { reader.cancel() }

    func poll(max: Int) throws -> SourcePoll { try reader.poll(into: self, max: max) }

    override func collect(_ value: T) throws {
        try emit(value, strategy.timestamp?(value) ?? noTimestamp)
    }

    override func collect(_ value: T, timestamp: Timestamp) throws {
        try emit(value, strategy.timestamp?(value) ?? timestamp)
    }

    @inline(__always)
    private func emit(_ value: T, _ ts: Timestamp) throws {
        try emitRecord(value, ts)
        if let wm = generator.onEvent(ts) { try emitWatermark(wm) }
    }

    @inline(__always)
    private func emitRecord(_ value: T, _ ts: Timestamp) throws {
        sawRecordSinceTick = true
        if idle { try setIdle(false) }
        try output.emit(value, timestamp: ts)
        uncounted &+= 1
        if uncounted == 4096 { publish() }
    }

    // MARK: Splits

    override func collect(_ value: T, timestamp: Timestamp, split: Int) throws {
        let ts = strategy.timestamp?(value) ?? timestamp
        try emitRecord(value, ts)
        if splits[split] == nil { try splitAdded(split) }
        splits[split]!.lastActivity = now
        if splits[split]!.idle { splits[split]!.idle = false }
        if let wm = splits[split]!.generator.onEvent(ts) {
            splits[split]!.watermark = wm
            try combineSplitWatermarks()
        }
    }

    override func splitAdded(_ split: Int) throws {
        guard splits[split] == nil else { return }
        var generator = strategy.makeGenerator()
        if let max = restoredMaxTimestamps[split] { generator.restore(maxTimestamp: max) }
        splits[split] = Split(generator: generator, lastActivity: now)
    }

    override func splitFinished(_ split: Int) throws {
        if splits[split] == nil { try splitAdded(split) }
        splits[split]!.finished = true
        try combineSplitWatermarks()
    }

    override func noSplitsAssigned() throws {
        if splits.isEmpty && !idle { try setIdle(true) }
    }

    /// The source's watermark is the minimum over its live, active splits; with none active it is idle.
    private func combineSplitWatermarks() throws {
        var m = Timestamp.max
        var active = false
        for s in splits.values where !s.finished && !s.idle { active = true; m = min(m, s.watermark) }
        if !active {
            // Every split finished or idle: finished ones do not hold event time back, idle ones make the source idle.
            if splits.values.contains(where: { !$0.finished }) { if !idle { try setIdle(true) } }
            return
        }
        if idle { try setIdle(false) }
        if m > combinedWatermark && m > Watermark.none {
            combinedWatermark = m
            try emitWatermark(m)
        }
    }

    private func setIdle(_ value: Bool) throws {
        idle = value
        try output.emitIdle(value)
        try deadLetterOutput?.emitIdle(value)
    }

    private func emitWatermark(_ wm: Timestamp) throws {
        watermarkGauge.set(wm)
        try output.emitWatermark(wm)
        try deadLetterOutput?.emitWatermark(wm)
    }

    override func deadLetter(_ letter: DeadLetter) throws {
        deadLetters.increment()
        try deadLetterOutput?.emit(letter, timestamp: noTimestamp)
    }

    /// Called between polls with the processing time: periodic watermarks and idleness.
    func tick(now: Timestamp) throws {
        self.now = now
        if sawRecordSinceTick { lastActivity = now; sawRecordSinceTick = false }
        if lastActivity == .min { lastActivity = now }
        if splits.isEmpty {
            if let interval = periodicInterval, now >= nextPeriodicEmit {
                nextPeriodicEmit = now + interval
                if let wm = generator.onPeriodicEmit() { try emitWatermark(wm) }
            }
            if let timeout = strategy.idleTimeout, !idle, now - lastActivity >= timeout { try setIdle(true) }
            return
        }
        var changed = false
        if let interval = periodicInterval, now >= nextPeriodicEmit {
            nextPeriodicEmit = now + interval
            for k in Array(splits.keys) {
                if let wm = splits[k]!.generator.onPeriodicEmit() { splits[k]!.watermark = wm; changed = true }
            }
        }
        if let timeout = strategy.idleTimeout {
            for k in Array(splits.keys) where !splits[k]!.idle && !splits[k]!.finished && now - splits[k]!.lastActivity >= timeout {
                splits[k]!.idle = true
                changed = true
            }
        }
        if changed { try combineSplitWatermarks() }
    }

    /// The input is exhausted: the last periodic watermark, the watermark at the end of time, then the end.
    func finish() throws {
        publish()
        if periodicInterval != nil, splits.isEmpty, let wm = generator.onPeriodicEmit() { try emitWatermark(wm) }
        if idle { try setIdle(false) }
        try emitWatermark(Watermark.endOfInput)
        try output.finish()
        try deadLetterOutput?.finish()
    }

    func publish() { if uncounted > 0 { recordsOut.add(uncounted); uncounted = 0 } }

    // MARK: Savepoints

    /// The source's part of a savepoint (union state: every reader after a restore sees all splits' positions).
    struct SavedPositions: Codable {
        var positions: [SplitPosition]
        /// The reader emitted per split (Kafka) rather than through one generator (a file).
        var perSplit: Bool
        /// The one generator's highest timestamp, for a reader without splits.
        var maxTimestamp: Timestamp?
    }

    func snapshot() throws -> OperatorSnapshot {
        guard var positions = try reader.snapshotPositions() else {
            throw StateSnapshotError("the source's reader (\(type(of: reader))) cannot report its position, so its job cannot take savepoints")
        }
        for i in positions.indices { positions[i].maxTimestamp = splits[positions[i].split]?.generator.maxTimestampValue }
        let saved = SavedPositions(positions: positions, perSplit: !splits.isEmpty,
                                   maxTimestamp: splits.isEmpty ? generator.maxTimestampValue : nil)
        return OperatorSnapshot(union: [try JSONEncoder().encode(saved)])
    }

    func restore(_ snapshot: OperatorSnapshot) throws {
        var all: [SplitPosition] = []
        var single: Timestamp?
        for item in snapshot.union {
            let saved = try JSONDecoder().decode(SavedPositions.self, from: item)
            all += saved.positions
            for p in saved.positions { if let m = p.maxTimestamp { restoredMaxTimestamps[p.split] = m } }
            if !saved.perSplit, let m = saved.maxTimestamp { single = max(single ?? m, m) }
        }
        if let single { generator.restore(maxTimestamp: single) }
        try reader.restore(positions: all)
    }
}
