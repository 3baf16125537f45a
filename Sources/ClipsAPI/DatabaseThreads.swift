import Foundation

/// Dedicated threads for libpq's blocking calls, one per pooled connection.
///
/// The pool's own async overload hands blocking work to a Dispatch queue, which on Linux runs about one thread per
/// core: on a 2-core machine two slow queries would stall every other request. Here each thread holds at most one
/// connection at a time, so up to `count` queries run at once and the Swift concurrency pool never blocks.
final class DatabaseThreads: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var stopped = false

    init(count: Int, name: String) {
        for i in 0..<max(1, count) {
            let thread = Thread { [self] in work() }
            thread.name = "\(name) \(i)"
            thread.start()
        }
    }

    /// Runs `body` on one of the threads and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            guard !stopped else {
                condition.unlock()
                continuation.resume(throwing: CancellationError())
                return
            }
            jobs.append { continuation.resume(with: Result { try body() }) }
            condition.signal()
            condition.unlock()
        }
    }

    /// Lets queued jobs finish, then ends the threads; later `run`s throw `CancellationError`.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while head == jobs.count && !stopped { condition.wait() }
            if head == jobs.count { condition.unlock(); return }
            let job = jobs[head]
            head += 1
            if head > 256 && head * 2 > jobs.count { jobs.removeFirst(head); head = 0 }
            condition.unlock()
            job()
        }
    }
}
