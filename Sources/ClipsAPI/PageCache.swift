import Synchronization

/// Rendered clip pages kept for a moment, keyed by the validated query. Many viewers polling the same newest-first
/// page cost one query per `ttl` instead of one each; requests arriving while that query runs wait for it
/// (single flight). Failures are not kept. A `ttl` of zero turns the cache off.
final class PageCache<Value: Sendable>: Sendable {
    private struct Entry {
        let expires: ContinuousClock.Instant
        let task: Task<Value, Error>
    }
    private let entries = Mutex<[ClipQuery: Entry]>([:])
    let ttl: Duration
    let capacity: Int

    init(ttl: Duration, capacity: Int) {
        self.ttl = ttl
        self.capacity = max(1, capacity)
    }

    func page(for query: ClipQuery, load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        guard ttl > .zero else { return try await load() }
        let now = ContinuousClock.now
        let task = entries.withLock { entries -> Task<Value, Error> in
            if let entry = entries[query], entry.expires > now { return entry.task }
            if entries.count >= capacity {
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            let task = Task { try await load() }
            entries[query] = Entry(expires: now + ttl, task: task)
            return task
        }
        do {
            return try await task.value
        } catch {
            entries.withLock { entries in
                if entries[query]?.task == task { entries[query] = nil }
            }
            throw error
        }
    }
}
