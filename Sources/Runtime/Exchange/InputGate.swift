import Dataflow
import Foundation

/// The input side of a subtask: every input channel (one per producer subtask and edge) puts batches into one
/// bounded queue. A full queue blocks the producers — that is the backpressure, and what keeps memory bounded.
/// In one process a channel is a direct put; across processes a network channel will put on arrival, with
/// credits mirroring the free slots here.
/// Where a channel writer hands its full buffers: an input gate in this process, or a network channel to another.
class BatchConsumer<T>: @unchecked Sendable {
    /// Hands over a full buffer; time spent waiting (for room or for credit) is the producer's backpressure.
    func put(_ batch: ChannelBatch<T>, producer account: TaskTimeAccount? = nil) throws { fatalError("abstract") }
}

final class InputGate<T>: BatchConsumer<T>, @unchecked Sendable {
    let channelCount: Int
    let capacity: Int
    /// Slots beyond `capacity` for batches that arrived over the network: their senders held credit, so they
    /// never wait here (the network thread must not block) and their number is bounded by the credits given out.
    let networkReserve: Int
    /// Per channel, what to do when one of its batches is taken (a network channel returns one credit).
    private var onTaken: [(@Sendable () -> Void)?]
    private let condition = NSCondition()
    /// A ring of `capacity` slots; a taken batch's slot is cleared at once, so the gate holds no more than
    /// `capacity` batches alive.
    private var ring: [ChannelBatch<T>?]
    private var head = 0
    private var count = 0
    private var closed = false
    private var poked = false

    init(channelCount: Int, capacity: Int, networkReserve: Int = 0) {
        self.channelCount = channelCount
        self.capacity = max(1, capacity)
        self.networkReserve = networkReserve
        ring = Array(repeating: nil, count: self.capacity + networkReserve)
        onTaken = Array(repeating: nil, count: channelCount)
    }

    /// Before the job starts: marks `channel` as a network channel that gives a credit back for every batch taken.
    func setOnTaken(channel: Int, _ action: @escaping @Sendable () -> Void) { onTaken[channel] = action }

    /// Puts a batch that arrived with credit, without waiting; false when the gate is closed (the job ended) and
    /// the batch was let go.
    @discardableResult
    func putCredited(_ batch: ChannelBatch<T>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        precondition(count < ring.count, "a network sender exceeded its credit")
        ring[(head + count) % ring.count] = batch
        count += 1
        condition.broadcast()
        return true
    }

    /// Puts a batch, waiting while the gate is full (booked as the producer's backpressured time). Throws when the
    /// job is cancelled.
    override func put(_ batch: ChannelBatch<T>, producer account: TaskTimeAccount? = nil) throws {
        condition.lock()
        defer { condition.unlock() }
        if count >= capacity && !closed {
            // Booked in slices of at most 100 ms, so a producer stuck behind a stalled consumer shows as
            // backpressured while it waits, not only once the wait is over.
            var start = TaskTimeAccount.now()
            while count >= capacity && !closed {
                _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1))
                let now = TaskTimeAccount.now()
                account?.addBackPressured(now &- start)
                start = now
            }
        }
        if closed { throw CancelledError() }
        ring[(head + count) % ring.count] = batch
        count += 1
        condition.broadcast()
    }

    /// Takes the next batch, waiting up to `deadline` (nil: forever). Returns nil on timeout or when poked.
    /// Time spent waiting is booked as the consumer's idle time.
    func take(until deadline: Date?, consumer account: TaskTimeAccount? = nil) throws -> ChannelBatch<T>? {
        guard let batch = try takeLocked(until: deadline, consumer: account) else { return nil }
        onTaken[batch.channel]?()
        return batch
    }

    private func takeLocked(until deadline: Date?, consumer account: TaskTimeAccount?) throws -> ChannelBatch<T>? {
        condition.lock()
        defer { condition.unlock() }
        if count == 0 && !closed && !poked {
            let start = TaskTimeAccount.now()
            defer { account?.addIdle(TaskTimeAccount.now() &- start) }
            while count == 0 && !closed && !poked {
                if let deadline {
                    if !condition.wait(until: deadline) && count == 0 { return nil }
                } else {
                    condition.wait()
                }
            }
        }
        if closed { throw CancelledError() }
        if poked { poked = false; if count == 0 { return nil } }
        let b = ring[head]
        ring[head] = nil
        head = (head + 1) % ring.count
        count -= 1
        condition.broadcast()
        return b
    }

    var queuedBatches: Int { condition.lock(); defer { condition.unlock() }; return count }

    /// Makes a waiting `take` return early (mail arrived for the subtask).
    func poke() {
        condition.lock()
        poked = true
        condition.broadcast()
        condition.unlock()
    }

    /// Wakes everyone; puts and takes throw from now on.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// The producer end of one channel: fills a buffer and hands it to the gate when full or on flush.
final class ChannelWriter<T> {
    private let gate: BatchConsumer<T>
    let channel: Int
    private let bufferSize: Int
    private var values: [T] = []
    private var timestamps: [Timestamp] = []
    private var controls: [ControlMark] = []
    /// The producing subtask's time account: a full gate is its backpressure.
    private let account: TaskTimeAccount?

    init(gate: BatchConsumer<T>, channel: Int, bufferSize: Int, account: TaskTimeAccount? = nil) {
        self.gate = gate; self.channel = channel; self.bufferSize = bufferSize; self.account = account
        values.reserveCapacity(bufferSize)
        timestamps.reserveCapacity(bufferSize)
    }

    @inline(__always)
    func record(_ value: T, _ ts: Timestamp) throws {
        values.append(value)
        timestamps.append(ts)
        if timestamps.count >= bufferSize { try flush() }
    }

    /// Watermarks only rise, so a watermark directly after another replaces it: firing at the later one alone
    /// fires the same timers in the same order.
    func watermark(_ wm: Timestamp) throws {
        let mark = ControlMark(position: timestamps.count, kind: .watermark, watermark: wm)
        if let last = controls.last, last.kind == .watermark, last.position == mark.position {
            controls[controls.count - 1] = mark
        } else {
            controls.append(mark)
            if controls.count >= bufferSize { try flush() }
        }
    }

    func idle(_ idle: Bool) throws {
        controls.append(ControlMark(position: timestamps.count, kind: idle ? .idle : .active, watermark: 0))
        if controls.count >= bufferSize { try flush() }
    }

    func end() throws {
        controls.append(ControlMark(position: timestamps.count, kind: .end, watermark: 0))
        try flush()
    }

    func suspend() throws {
        controls.append(ControlMark(position: timestamps.count, kind: .suspend, watermark: 0))
        try flush()
    }

    func flush() throws {
        guard !timestamps.isEmpty || !controls.isEmpty else { return }
        let batch = ChannelBatch(channel: channel, values: values, timestamps: timestamps, controls: controls)
        values = []
        values.reserveCapacity(bufferSize)
        timestamps = []
        timestamps.reserveCapacity(bufferSize)
        controls = []
        try gate.put(batch, producer: account)
    }
}

/// Anything in a subtask that holds buffered output and must push it out on the buffer timeout and at the end.
protocol Flushable: AnyObject {
    func flush() throws
    /// The job stops for a savepoint: tell every consumer that nothing follows (without ending event time).
    func suspend() throws
}
