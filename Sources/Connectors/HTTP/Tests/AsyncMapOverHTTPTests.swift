// The async I/O stage against a real (local) HTTP server that is slow, fails, or times out.

import Dataflow
import Foundation
import HTTPConnector
import Runtime
import Synchronization
import Testing

/// Calls the test server and counts how many calls are in flight at once.
final class CountingCaller: AsyncFunction, @unchecked Sendable {
    struct Call: Sendable { let id: Int; let path: String }
    let client: HTTPClient
    let base: String
    let lock = NSLock()
    var running = 0, maxRunning = 0
    init(client: HTTPClient, base: String) { self.client = client; self.base = base }

    func invoke(_ call: Call) async throws -> String {
        lock.withLock { running += 1; maxRunning = max(maxRunning, running) }
        defer { lock.withLock { running -= 1 } }
        let response = try await client.execute(HTTPRequest(url: base + call.path))
        guard (200..<300).contains(response.status) else { throw HTTPStatusError(status: response.status, url: base + call.path, body: response.body) }
        return response.text
    }
}

@Suite final class AsyncMapOverHTTPTests {
    let server: TestServer
    let client: HTTPClient
    init() throws { server = try TestServer(); client = try HTTPClient() }
    deinit { client.shutdown(); server.stop() }

    /// id % 5: 0 → too slow for the timeout, 1 → fails twice then answers, 2 → always 500, else a quick answer.
    func calls(_ n: Int, run: String) -> [CountingCaller.Call] {
        (0..<n).map { i in
            switch i % 5 {
            case 0: .init(id: i, path: "/slow?ms=5000")
            case 1: .init(id: i, path: "/flaky?key=\(run)-\(i)&fail=2")
            case 2: .init(id: i, path: "/status/500")
            default: .init(id: i, path: "/slow?ms=\(i % 7 * 10)")
            }
        }
    }

    @Test(arguments: [AsyncOrdering.ordered, .unordered])
    func promisesHold(ordering: AsyncOrdering) async throws {
        let caller = CountingCaller(client: client, base: server.base)
        let sink = CollectingSink<AsyncResult<CountingCaller.Call, String>>()
        let job = try Job("http-async") {
            Source("calls", CollectionSource(calls(30, run: "\(ordering)-\(UUID().uuidString.prefix(6))")))
            // A generous per-attempt timeout: the suite runs beside heavy tests, and a quick call must not time out.
            AsyncMap("call", caller, ordering: ordering, capacity: 4, timeout: .seconds(1),
                     retry: .attempts(at: [.zero, .milliseconds(100), .milliseconds(200)], within: .seconds(10)))
            Sink("results", sink)
        }
        let start = Date()
        let result = try await LocalExecutor().run(job, parallelism: 1)
        #expect(result.status == .finished, "\(result.failure ?? "")")
        let results = sink.values
        #expect(results.count == 30)                       // exactly one result per call, failures included
        if ordering == .ordered { #expect(results.map(\.input.id) == Array(0..<30)) }
        #expect(Set(results.map(\.input.id)).count == 30)
        #expect(caller.maxRunning <= 4)                     // capacity
        for r in results {
            switch r.input.id % 5 {
            case 0:   // every attempt times out after 1 s
                #expect(r.failure?.timedOut == true, "\(r.input.id)")
                #expect(r.attempts == 3)
            case 1:   // the third attempt succeeds
                #expect(r.value == "ok after 2", "\(r.input.id)")
                #expect(r.attempts == 3)
                #expect(r.latencyMillis >= 200)
            case 2:   // a failure is an output too, after all attempts
                #expect(r.failure.map { $0.message.contains("500") } == true, "\(r.input.id): \(String(describing: r.failure))")
                #expect(r.attempts == 3)
            default:
                #expect(r.value?.hasPrefix("slow") == true)
                #expect(r.attempts == 1)
            }
        }
        #expect(result.metric("call", "numAsyncTimeouts") == 6)
        // 6 slow calls of 3 one-second attempts through 4 slots.
        #expect(Date().timeIntervalSince(start) < 40)
    }
}
