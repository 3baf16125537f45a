// Cancelling a job whose async HTTP call never gets an answer.

import Dataflow
import Foundation
import HTTPConnector
import Runtime
import Testing

@Suite struct StalledCallCancelTests {
    @Test("cancel while an AsyncMap call over HTTP gets no answer reaches CANCELED within 2 s")
    func cancelStalledCall() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try HTTPClient()
        defer { client.shutdown() }
        let url = server.url("/slow?ms=600000")   // takes the request and does not answer for 10 minutes
        let function = HTTPAsyncFunction<Int, String>(client: client, request: { _ in HTTPRequest(url: url, timeout: .seconds(120)) },
                                                      response: { _, r in r.text })
        let job = try Job("stalled-http") {
            Source("ids", CollectionSource([1, 2, 3], staysOpen: true))
            AsyncMap("call", function, capacity: 2, timeout: .seconds(120))
            Sink("out", CollectingSink<AsyncResult<Int, String>>())
        }
        let execution = try LocalExecutor().submit(job, parallelism: 1)
        // Event: both calls (capacity 2) are in flight, and the third record waits for one of them.
        while client.inFlightCount < 2 && !execution.status.isTerminal { try await Task.sleep(for: .milliseconds(10)) }
        #expect(execution.status == .running)
        let start = ContinuousClock.now
        execution.cancel()
        while !execution.status.isTerminal && ContinuousClock.now - start < .seconds(10) { try await Task.sleep(for: .milliseconds(5)) }
        let elapsed = ContinuousClock.now - start
        #expect(execution.status == .canceled)
        #expect(elapsed < .seconds(2), "cancel took \(elapsed)")
        // The calls were aborted, not left behind on the client.
        let drained = ContinuousClock.now
        while client.inFlightCount > 0 && ContinuousClock.now - drained < .seconds(5) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(client.inFlightCount == 0)
    }
}
