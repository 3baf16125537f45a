import Foundation
import Synchronization

/// Looks up the topic's partition count every `interval` on a thread of its own, so that a slow or unreachable
/// broker never blocks the reader's loop; the reader picks the latest count up with a cheap atomic load.
/// (Flink's enumerator does this on the JobManager; here every reader runs one for its own topic.)
final class PartitionDiscovery: @unchecked Sendable {
    private let handle: KafkaHandle
    private let topic: String
    private let interval: Duration
    /// The last partition count seen; -1 until the first answer.
    private let latest = Atomic<Int>(-1)
    private let wake = NSCondition()
    private var stopping = false
    private let stopped = DispatchSemaphore(value: 0)
    private var running = false

    init(handle: KafkaHandle, topic: String, interval: Duration) {
        self.handle = handle
        self.topic = topic
        self.interval = interval
    }

    /// The partition count from the latest lookup, or nil before the first successful one.
    var partitionCount: Int? {
        let n = latest.load(ordering: .acquiring)
        return n < 0 ? nil : n
    }

    func start() {
        running = true
        let thread = Thread { [self] in
            defer { stopped.signal() }
            while true {
                wake.lock()
                if !stopping { _ = wake.wait(until: Date(timeIntervalSinceNow: Double(interval.milliseconds) / 1000)) }
                let stop = stopping
                wake.unlock()
                if stop { return }
                // A topic that is unknown has no partitions yet; an unanswered request changes nothing.
                if case .success(let count) = handle.topicPartitionCount(topic, timeoutMillis: 5000) {
                    latest.store(count ?? 0, ordering: .releasing)
                }
            }
        }
        thread.name = "kafka-discovery \(topic)"
        thread.start()
    }

    /// Stops the thread and waits for it, so that the client handle is not destroyed under a running lookup.
    func stop() {
        guard running else { return }
        running = false
        wake.lock()
        stopping = true
        wake.signal()
        wake.unlock()
        stopped.wait()
    }
}
