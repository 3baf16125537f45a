/// Which windows a record belongs to: Flink's `SlidingEventTimeWindows`, `TumblingEventTimeWindows` and their
/// processing-time twins. Windows are `[start, start + size)` with `start ≡ offset (mod slide)`.
public struct WindowAssigner: Sendable, Equatable {
    public let size: Int64
    public let slide: Int64
    public let offset: Int64
    public let time: TimeDomain

    public static func sliding(size: Duration, slide: Duration, offset: Duration = .zero,
                               time: TimeDomain = .eventTime) -> WindowAssigner {
        WindowAssigner(size: size.milliseconds, slide: slide.milliseconds, offset: offset.milliseconds, time: time)
    }
    public static func tumbling(size: Duration, offset: Duration = .zero, time: TimeDomain = .eventTime) -> WindowAssigner {
        WindowAssigner(size: size.milliseconds, slide: size.milliseconds, offset: offset.milliseconds, time: time)
    }

    public var isSliding: Bool { slide != size }

    func validate(stage: String) throws {
        guard size > 0, slide > 0 else {
            throw JobDefinitionError("\(stage): window size and slide must be positive (size \(size) ms, slide \(slide) ms)")
        }
        guard abs(offset) < slide else {
            throw JobDefinitionError("\(stage): |offset| (\(offset) ms) must be smaller than the slide (\(slide) ms)")
        }
    }

    /// The start of the latest window containing `timestamp`; the others start `slide`, `2·slide`, … earlier
    /// while `start > timestamp − size`.
    @inlinable
    public func lastWindowStart(for timestamp: Timestamp) -> Timestamp {
        TimeWindow.start(of: timestamp, offset: offset, size: slide)
    }

    /// All windows of a timestamp, latest first (Flink's order).
    public func windows(for timestamp: Timestamp) -> [TimeWindow] {
        var out: [TimeWindow] = []
        var start = lastWindowStart(for: timestamp)
        while start > timestamp - size {
            out.append(TimeWindow(start: start, end: start + size))
            start -= slide
        }
        return out
    }

    /// How the plan names it, as Flink does: `SlidingEventTimeWindows(5000, 1000)`.
    public var description: String {
        let domain = time == .eventTime ? "EventTime" : "ProcessingTime"
        return isSliding ? "Sliding\(domain)Windows(\(size), \(slide))" : "Tumbling\(domain)Windows(\(size))"
    }
}

public struct WindowSpec<K: StableHashable, T, A: AggregateFunction>: OperatorSpec, @unchecked Sendable where A.Input == T {
    public typealias Input = Keyed<K, T>
    public typealias Output = WindowResult<K, A.Result>
    public let assigner: WindowAssigner
    public let aggregate: A
    public let allowedLateness: Int64
    /// The side-output port that receives records too late for every one of their windows.
    public let lateOutput: String?
    public var kind: OperatorKind { .window }
    public var description: String {
        let trigger = assigner.time == .eventTime ? "EventTimeTrigger" : "ProcessingTimeTrigger"
        return "Window(\(assigner.description), \(trigger), \(aggregate.name))"
    }
    public func accept<V: OperatorSpecVisitor>(_ visitor: V) throws -> V.Result { try visitor.window(self) }
}
