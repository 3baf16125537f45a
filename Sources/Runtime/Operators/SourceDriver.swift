import Dataflow

/// Runs a source reader in its subtask: assigns timestamps, generates watermarks (per record or periodically),
/// marks the subtask idle after the idleness timeout, routes dead letters, and ends with the final watermark.
final class SourceDriver<T>: SourceOutput<T> {
    private let reader: any SourceReader<T>
    private let strategy: WatermarkStrategy<T>
    private var generator: WatermarkGenerator
    private let output: Output<T>
    private let deadLetterOutput: Output<DeadLetter>?
    private let recordsOut: Counter
    private let deadLetters: Counter
    private var uncounted = 0
    private let periodicInterval: Int64?
    private var nextPeriodicEmit: Timestamp = .min
    private var lastActivity: Timestamp = .min
    private var idle = false
    private var sawRecordSinceTick = false

    init(reader: any SourceReader<T>, strategy: WatermarkStrategy<T>, output: Output<T>,
         deadLetterOutput: Output<DeadLetter>?, metrics: MetricGroup) {
        self.reader = reader
        self.strategy = strategy
        self.generator = strategy.makeGenerator()
        self.output = output
        self.deadLetterOutput = deadLetterOutput
        recordsOut = metrics.counter("numRecordsOut")
        deadLetters = metrics.counter("numDeadLetters")
        if case .periodic(let ms) = strategy.emission, strategy.generator != .none { periodicInterval = max(1, ms) } else { periodicInterval = nil }
    }

    func open() throws { try reader.open() }
    func close() { publish(); reader.close() }

    func poll(max: Int) throws -> SourcePoll { try reader.poll(into: self, max: max) }

    override func collect(_ value: T) throws {
        try emit(value, strategy.timestamp?(value) ?? noTimestamp)
    }

    override func collect(_ value: T, timestamp: Timestamp) throws {
        try emit(value, strategy.timestamp?(value) ?? timestamp)
    }

    @inline(__always)
    private func emit(_ value: T, _ ts: Timestamp) throws {
        sawRecordSinceTick = true
        if idle { idle = false; try output.emitIdle(false); try deadLetterOutput?.emitIdle(false) }
        try output.emit(value, timestamp: ts)
        uncounted &+= 1
        if uncounted == 4096 { publish() }
        if let wm = generator.onEvent(ts) { try emitWatermark(wm) }
    }

    private func emitWatermark(_ wm: Timestamp) throws {
        try output.emitWatermark(wm)
        try deadLetterOutput?.emitWatermark(wm)
    }

    override func deadLetter(_ letter: DeadLetter) throws {
        deadLetters.increment()
        try deadLetterOutput?.emit(letter, timestamp: noTimestamp)
    }

    /// Called between polls with the processing time: periodic watermarks and idleness.
    func tick(now: Timestamp) throws {
        if sawRecordSinceTick { lastActivity = now; sawRecordSinceTick = false }
        if lastActivity == .min { lastActivity = now }
        if let interval = periodicInterval, now >= nextPeriodicEmit {
            nextPeriodicEmit = now + interval
            if let wm = generator.onPeriodicEmit() { try emitWatermark(wm) }
        }
        if let timeout = strategy.idleTimeout, !idle, now - lastActivity >= timeout {
            idle = true
            try output.emitIdle(true)
            try deadLetterOutput?.emitIdle(true)
        }
    }

    /// The input is exhausted: the last periodic watermark, the watermark at the end of time, then the end.
    func finish() throws {
        publish()
        if periodicInterval != nil, let wm = generator.onPeriodicEmit() { try emitWatermark(wm) }
        if idle { idle = false; try output.emitIdle(false); try deadLetterOutput?.emitIdle(false) }
        try emitWatermark(Watermark.endOfInput)
        try output.finish()
        try deadLetterOutput?.finish()
    }

    func publish() { if uncounted > 0 { recordsOut.add(uncounted); uncounted = 0 } }
}
