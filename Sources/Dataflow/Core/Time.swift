/// Event and processing time are epoch milliseconds, as in Flink.
public typealias Timestamp = Int64

public enum Watermark {
    /// "No watermark yet" — Flink's `Long.MIN_VALUE`.
    public static let none: Timestamp = .min
    /// The watermark a bounded input sends at its end: every event-time timer fires.
    public static let endOfInput: Timestamp = .max
}

/// A half-open time window `[start, end)`; it fires when the watermark reaches `maxTimestamp`.
public struct TimeWindow: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let start: Timestamp
    public let end: Timestamp
    public init(start: Timestamp, end: Timestamp) { self.start = start; self.end = end }
    public var maxTimestamp: Timestamp { end - 1 }
    public static func < (a: TimeWindow, b: TimeWindow) -> Bool { (a.end, a.start) < (b.end, b.start) }
    public var description: String { "TimeWindow{start=\(start), end=\(end)}" }

    /// Flink's `TimeWindow.getWindowStartWithOffset`: the start of the window of length `size` holding `timestamp`.
    @inlinable
    public static func start(of timestamp: Timestamp, offset: Timestamp, size: Timestamp) -> Timestamp {
        let remainder = (timestamp - offset) % size
        return remainder < 0 ? timestamp - (remainder + size) : timestamp - remainder
    }
}

public enum TimeDomain: String, Sendable { case eventTime = "EventTime", processingTime = "ProcessingTime" }

extension Duration {
    /// Whole milliseconds (truncating), the unit of every timestamp in the runtime.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// Where processing time comes from: the wall clock in production, a manual clock in operator tests.
public protocol ProcessingClock: AnyObject, Sendable {
    func now() -> Timestamp
}
