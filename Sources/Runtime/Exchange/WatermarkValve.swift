import Dataflow

/// Combines the watermarks of a subtask's input channels: the output watermark is the minimum over the
/// active channels; idle channels do not hold it back; when every channel is idle the subtask is idle too.
/// A finished channel counts as a watermark at the end of time.
struct WatermarkValve {
    /// What the subtask must pass on after an input event: an idleness change first, then a new watermark.
    struct Change {
        var idle: Bool? = nil
        var watermark: Timestamp? = nil
    }

    private var watermarks: [Timestamp]
    private var idle: [Bool]
    private var ended: [Bool]
    private(set) var current: Timestamp = Watermark.none
    private(set) var isIdle = false
    private(set) var endedCount = 0
    /// Channels whose producer stopped for a savepoint (counted in `endedCount` too).
    private(set) var suspendedCount = 0

    init(channels: Int) {
        watermarks = Array(repeating: Watermark.none, count: channels)
        idle = Array(repeating: false, count: channels)
        ended = Array(repeating: false, count: channels)
    }

    var allEnded: Bool { endedCount == ended.count }

    mutating func watermark(_ wm: Timestamp, channel: Int) -> Change {
        var change = Change()
        if idle[channel] { idle[channel] = false; change.idle = activity() }
        guard wm > watermarks[channel] else { return change }
        let old = watermarks[channel]
        watermarks[channel] = wm
        // Only the channel holding the minimum can move it.
        if old <= current || watermarks.count == 1 { change.watermark = advance() }
        return change
    }

    /// A record arrived on a channel: it is active again.
    @inline(__always)
    mutating func recordArrived(channel: Int) -> Bool? {
        guard idle[channel] else { return nil }
        idle[channel] = false
        return activity()
    }

    mutating func setIdle(_ value: Bool, channel: Int) -> Change {
        guard idle[channel] != value, !ended[channel] else { return Change() }
        idle[channel] = value
        return Change(idle: activity(), watermark: advance())
    }

    mutating func end(channel: Int) -> Change {
        guard !ended[channel] else { return Change() }
        ended[channel] = true
        endedCount += 1
        idle[channel] = false
        watermarks[channel] = Watermark.endOfInput
        return Change(idle: activity(), watermark: advance())
    }

    /// The channel's producer stopped for a savepoint: it sends nothing more, and its event time stays where it was.
    mutating func suspend(channel: Int) {
        guard !ended[channel] else { return }
        ended[channel] = true
        endedCount += 1
        suspendedCount += 1
    }

    /// Recomputes idleness; returns the new value if it changed.
    private mutating func activity() -> Bool? {
        var anyActive = false
        for i in idle.indices where !idle[i] && !ended[i] { anyActive = true; break }
        let nowIdle = !anyActive && endedCount < ended.count
        guard nowIdle != isIdle else { return nil }
        isIdle = nowIdle
        return nowIdle
    }

    private mutating func advance() -> Timestamp? {
        var m = Timestamp.max
        var any = false
        for i in watermarks.indices where !idle[i] { any = true; m = min(m, watermarks[i]) }
        guard any, m > current else { return nil }
        current = m
        return m
    }
}
