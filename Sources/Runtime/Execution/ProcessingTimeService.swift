import Dataflow
import Foundation

/// The wall clock.
public final class SystemClock: ProcessingClock {
    public init() {}
    public func now() -> Timestamp { Timestamp(Date().timeIntervalSince1970 * 1000) }
}

/// A clock that moves only when told: operator tests drive processing time with it.
public final class ManualClock: ProcessingClock, @unchecked Sendable {
    private var time: Timestamp
    public init(_ start: Timestamp = 0) { time = start }
    public func now() -> Timestamp { time }
    public func set(_ t: Timestamp) { time = t }
    public func advance(by ms: Int64) { time += ms }
}

/// Processing-time callbacks of one subtask. They run on the subtask's thread, between elements, in time order,
/// so operator code needs no locks.
public final class ProcessingTimeService {
    public let clock: ProcessingClock
    private var heap = Heap<(time: Timestamp, seq: Int, callback: (Timestamp) throws -> Void)> {
        ($0.time, $0.seq) < ($1.time, $1.seq)
    }
    private var seq = 0

    public init(clock: ProcessingClock) { self.clock = clock }

    public var now: Timestamp { clock.now() }

    public func schedule(at time: Timestamp, _ callback: @escaping (Timestamp) throws -> Void) {
        seq += 1
        heap.push((time, seq, callback))
    }

    /// The earliest scheduled time, if any.
    public var nextTime: Timestamp? { heap.top?.time }

    /// Runs every callback due at the clock's current time; returns how many ran.
    @discardableResult
    public func fireDue() throws -> Int {
        let now = clock.now()
        var fired = 0
        while let top = heap.top, top.time <= now {
            heap.pop()
            try top.callback(top.time)
            fired += 1
        }
        return fired
    }
}
