/// How a source assigns timestamps and generates watermarks — Flink's `WatermarkStrategy`.
public struct WatermarkStrategy<T>: Sendable {
    public enum Generator: Sendable, Equatable {
        case none
        /// Watermark = highest timestamp seen − bound − 1 (Flink's `BoundedOutOfOrdernessWatermarks`).
        case boundedOutOfOrderness(milliseconds: Int64)
    }
    public enum Emission: Sendable, Equatable {
        /// A watermark after every record that raises the maximum timestamp.
        case perRecord
        /// A watermark every interval of processing time (Flink's `pipeline.auto-watermark-interval`).
        case periodic(milliseconds: Int64)
    }

    public let generator: Generator
    public let emission: Emission
    /// A source split that sends nothing for this long is marked idle and stops holding back event time.
    public let idleTimeout: Int64?
    public let timestamp: (@Sendable (T) -> Timestamp)?

    public init(generator: Generator, emission: Emission, idleTimeout: Int64? = nil,
                timestamp: (@Sendable (T) -> Timestamp)?) {
        self.generator = generator; self.emission = emission; self.idleTimeout = idleTimeout; self.timestamp = timestamp
    }

    public static func boundedOutOfOrderness(_ bound: Duration, emit: Emission = .periodic(milliseconds: 200),
                                             timestamp: @escaping @Sendable (T) -> Timestamp) -> Self {
        Self(generator: .boundedOutOfOrderness(milliseconds: bound.milliseconds), emission: emit, timestamp: timestamp)
    }

    /// Timestamps never decrease: the watermark follows the highest timestamp (`forMonotonousTimestamps`).
    public static func monotonousTimestamps(emit: Emission = .periodic(milliseconds: 200),
                                            timestamp: @escaping @Sendable (T) -> Timestamp) -> Self {
        Self(generator: .boundedOutOfOrderness(milliseconds: 0), emission: emit, timestamp: timestamp)
    }

    /// Records carry no event time (processing-time jobs).
    public static var noWatermarks: Self { Self(generator: .none, emission: .perRecord, timestamp: nil) }

    /// Timestamps only, no watermarks.
    public static func timestamps(_ timestamp: @escaping @Sendable (T) -> Timestamp) -> Self {
        Self(generator: .none, emission: .perRecord, timestamp: timestamp)
    }

    public func withIdleness(_ timeout: Duration) -> Self {
        Self(generator: generator, emission: emission, idleTimeout: timeout.milliseconds, timestamp: timestamp)
    }

    public func makeGenerator() -> WatermarkGenerator { WatermarkGenerator(generator: generator, emission: emission) }
}

/// The per-split state of a watermark strategy: fed every timestamp, asked for watermarks.
public struct WatermarkGenerator: Sendable {
    private let bound: Int64?
    private let perRecord: Bool
    private var maxTimestamp: Timestamp
    private var lastEmitted: Timestamp = Watermark.none

    public init<T>(generator: WatermarkStrategy<T>.Generator, emission: WatermarkStrategy<T>.Emission) {
        switch generator {
        case .none: bound = nil
        case .boundedOutOfOrderness(let ms): bound = ms
        }
        perRecord = emission == .perRecord
        maxTimestamp = Timestamp.min + (bound ?? 0) + 1
    }

    /// Records a timestamp; returns a watermark to emit now when emission is per record.
    @inlinable
    public mutating func onEvent(_ timestamp: Timestamp) -> Timestamp? {
        guard timestamp > maxTimestampValue else { return nil }
        setMax(timestamp)
        return perRecordEmission ? nextWatermark() : nil
    }

    /// The periodic emission: the current watermark if it moved since the last one.
    public mutating func onPeriodicEmit() -> Timestamp? {
        perRecord ? nil : nextWatermark()
    }

    /// The highest timestamp seen (what a savepoint keeps of the generator).
    public var maxTimestampValue: Timestamp { maxTimestamp }
    /// Continues from a savepoint: the watermark picks up where it was, so records late before stay late.
    public mutating func restore(maxTimestamp t: Timestamp) {
        if t > maxTimestamp { maxTimestamp = t }
        if let bound { lastEmitted = max(lastEmitted, maxTimestamp - bound - 1) }
    }
    @usableFromInline var perRecordEmission: Bool { perRecord }
    @usableFromInline mutating func setMax(_ t: Timestamp) { maxTimestamp = t }

    @usableFromInline
    mutating func nextWatermark() -> Timestamp? {
        guard let bound else { return nil }
        let wm = maxTimestamp - bound - 1
        guard wm > lastEmitted else { return nil }
        lastEmitted = wm
        return wm
    }
}
