@testable import ClipsAPI
import Synchronization
import Testing

@Suite struct PageCacheTests {
    final class Counter: Sendable {
        let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
        var count: Int { value.withLock { $0 } }
    }

    @Test func concurrentIdenticalQueriesShareOneLoad() async throws {
        let cache = PageCache<String>(ttl: .seconds(30), capacity: 8)
        let loads = Counter()
        let query = ClipQuery(limit: 50)
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    return try await cache.page(for: query) {
                        try await Task.sleep(for: .milliseconds(50))
                        return "page \(loads.next())"
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(loads.count == 1)
        #expect(Set(bodies) == ["page 1"])
        // A different query is its own entry.
        _ = try await cache.page(for: ClipQuery(limit: 10)) { "page \(loads.next())" }
        #expect(loads.count == 2)
    }

    @Test func entriesExpireAndFailuresAreNotKept() async throws {
        let cache = PageCache<String>(ttl: .milliseconds(100), capacity: 8)
        let loads = Counter()
        let query = ClipQuery(limit: 5)
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await cache.page(for: query) { _ = loads.next(); throw Boom() } }
        let first = try await cache.page(for: query) { "v\(loads.next())" }
        #expect(first == "v2", "the failure was not cached")
        try await Task.sleep(for: .milliseconds(250))
        let later = try await cache.page(for: query) { "v\(loads.next())" }
        #expect(later == "v3", "an expired page is loaded again")
    }

    @Test func zeroTTLAlwaysLoads() async throws {
        let cache = PageCache<String>(ttl: .zero, capacity: 8)
        let loads = Counter()
        for _ in 0..<3 { _ = try await cache.page(for: ClipQuery(limit: 5)) { "\(loads.next())" } }
        #expect(loads.count == 3)
    }
}
