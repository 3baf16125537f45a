import Dataflow
import Foundation

/// The task-scope metric names the runtime records in the metric group of a task's head operator (so they travel
/// wherever operator metrics travel), and that the cluster reports as Flink's task metrics
/// (`accumulateBusyTimeMs`, `busyTimeMsPerSecond`, …). Values are nanoseconds.
public enum TaskTimeMetrics {
    public static let busyNanos = "task.accumulatedBusyTimeNanos"
    public static let idleNanos = "task.accumulatedIdleTimeNanos"
    public static let backPressuredNanos = "task.accumulatedBackPressuredTimeNanos"
    public static let all = [busyNanos, idleNanos, backPressuredNanos]
    /// Whether a name in an operator's metric snapshot belongs to its task, not to the operator.
    public static func isTaskScope(_ name: String) -> Bool { name.hasPrefix("task.") }
}

/// Where one subtask's thread spends its time, split as Flink splits it: idle (waiting for input), backpressured
/// (waiting for room in a consumer's input gate) and busy (everything else: processing, timers, mail, flushing).
/// Idle and backpressured time are measured only on the paths that actually wait, so the record path pays nothing;
/// busy time is the remainder, settled by `mark()` once per loop turn (per batch, not per record).
/// Used from the subtask's own thread only; readers see the counters.
final class TaskTimeAccount {
    private let busy: Counter
    private let idle: Counter
    private let backPressured: Counter
    private var lastMark: UInt64
    private var waitedSinceMark: UInt64 = 0

    init(metrics: MetricGroup) {
        busy = metrics.counter(TaskTimeMetrics.busyNanos)
        idle = metrics.counter(TaskTimeMetrics.idleNanos)
        backPressured = metrics.counter(TaskTimeMetrics.backPressuredNanos)
        lastMark = Self.now()
    }

    @inline(__always) static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    func addIdle(_ nanos: UInt64) {
        idle.add(Int(nanos))
        waitedSinceMark &+= nanos
    }

    func addBackPressured(_ nanos: UInt64) {
        backPressured.add(Int(nanos))
        waitedSinceMark &+= nanos
    }

    /// Books the time since the last mark that was neither idle nor backpressured as busy.
    func mark() {
        let now = Self.now()
        let elapsed = now &- lastMark
        if elapsed > waitedSinceMark { busy.add(Int(elapsed - waitedSinceMark)) }
        waitedSinceMark = 0
        lastMark = now
    }

    /// Restarts the clock without booking (the thread starts running the loop).
    func restart() {
        lastMark = Self.now()
        waitedSinceMark = 0
    }
}
