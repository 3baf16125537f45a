// HTTPClient against a real local HTTP/1.1 server (Fixtures/http_server.py).

import Foundation
import HTTPConnector
import Synchronization
import Testing

/// Each test gets its own server and client (fresh flaky counters, no cross-test connection state). Serialized so
/// the timing assertions do not compete with other tests for the 2 cores.
@Suite(.serialized) final class HTTPClientTests {
    let server: TestServer
    let client: HTTPClient

    init() throws {
        server = try TestServer()
        client = try HTTPClient()
    }

    deinit {
        client.shutdown()
        server.stop()
    }

    // MARK: methods, headers, bodies

    @Test func getWithHeaders() async throws {
        let response = try await client.execute(HTTPRequest(
            url: server.url("/echo?a=1"), headers: ["X-Trace-Id": "abc-123", "Accept": "application/json"]))
        #expect(response.status == 200)
        let echo = try Echo(response.body)
        #expect(echo.method == "GET")
        #expect(echo.query == ["a": "1"])
        #expect(echo.headers["x-trace-id"] == "abc-123")
        #expect(echo.headers["accept"] == "application/json")
        #expect(echo.headers["user-agent"] == HTTPClientOptions.default.userAgent)
        #expect(echo.headers["expect"] == nil)
        #expect(echo.body.isEmpty)
        // Response headers: case-insensitive lookup, repeated fields kept in order.
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers["X-ECHO-METHOD"] == "GET")
        #expect(response.headers.values(for: "x-multi") == ["a", "b"])
        #expect(response.headers["Content-Length"] == String(response.body.count))
        #expect(response.url == server.url("/echo?a=1"))
    }

    @Test func postBinaryBody() async throws {
        let body: [UInt8] = Array(0...255) + Array("\r\n\0end".utf8)
        let response = try await client.execute(HTTPRequest(
            method: .post, url: server.url("/echo"), headers: ["Content-Type": "application/octet-stream"], body: body))
        let echo = try Echo(response.body)
        #expect(echo.method == "POST")
        #expect(echo.body == body)
        #expect(echo.headers["content-length"] == String(body.count))
        #expect(echo.headers["content-type"] == "application/octet-stream")
    }

    @Test func postWithoutContentTypeSendsNone() async throws {
        let response = try await client.execute(HTTPRequest(method: .post, url: server.url("/echo"), text: "a=b"))
        let echo = try Echo(response.body)
        #expect(echo.headers["content-type"] == nil)      // not libcurl's form-urlencoded default
        #expect(echo.body == Array("a=b".utf8))
    }

    @Test func putPatchDeleteHead() async throws {
        let put = try Echo(try await client.execute(HTTPRequest(
            method: .put, url: server.url("/echo"), headers: ["Content-Type": "application/json"],
            text: #"{"k":"v"}"#)).body)
        #expect(put.method == "PUT")
        #expect(put.body == Array(#"{"k":"v"}"#.utf8))
        #expect(put.headers["content-type"] == "application/json")

        let emptyPut = try Echo(try await client.execute(HTTPRequest(method: .put, url: server.url("/echo"))).body)
        #expect(emptyPut.method == "PUT")
        #expect(emptyPut.headers["content-length"] == "0")

        let patch = try Echo(try await client.execute(HTTPRequest(method: .patch, url: server.url("/echo"), text: "p")).body)
        #expect(patch.method == "PATCH" && patch.body == [UInt8(ascii: "p")])

        let delete = try Echo(try await client.execute(HTTPRequest(method: .delete, url: server.url("/echo"))).body)
        #expect(delete.method == "DELETE" && delete.body.isEmpty)

        let head = try await client.execute(HTTPRequest(method: .head, url: server.url("/echo")))
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(head.headers["X-Echo-Method"] == "HEAD")
    }

    @Test func emptyHeaderValueAndUserAgentOverride() async throws {
        let echo = try Echo(try await client.execute(HTTPRequest(
            url: server.url("/echo"), headers: ["X-Empty": "", "User-Agent": "custom/2"])).body)
        #expect(echo.headers["x-empty"] == "")
        #expect(echo.headers["user-agent"] == "custom/2")
    }

    @Test func statusCodesAreResponses() async throws {
        for code in [201, 204, 400, 404, 429, 500, 503] {
            let response = try await client.execute(HTTPRequest(url: server.url("/status/\(code)")))
            #expect(response.status == code)
            #expect(response.isSuccess == (200..<300).contains(code))
            if code != 204 { #expect(response.text == "status \(code)") }
        }
    }

    @Test func redirectsOffByDefaultAndFollowedWhenOn() async throws {
        let noFollow = try await client.execute(HTTPRequest(url: server.url("/redirect?to=/ok")))
        #expect(noFollow.status == 302)
        #expect(noFollow.headers["location"] == "/ok")

        var options = HTTPClientOptions()
        options.followRedirects = true
        let following = try HTTPClient(options: options)
        defer { following.shutdown() }
        let followed = try await following.execute(HTTPRequest(url: server.url("/redirect?to=/ok")))
        #expect(followed.status == 200)
        #expect(followed.text == "ok")
        #expect(followed.url == server.url("/ok"))
        #expect(followed.headers["location"] == nil)       // only the final response's headers
    }

    @Test func connectionsAreReused() async throws {
        var ports: [Int] = []
        var reused: [Bool] = []
        for _ in 0..<5 {
            let response = try await client.execute(HTTPRequest(url: server.url("/echo")))
            ports.append(try Echo(response.body).client_port)
            reused.append(response.reusedConnection)
        }
        #expect(Set(ports).count == 1, "one TCP connection for 5 sequential requests, saw ports \(ports)")
        #expect(reused == [false, true, true, true, true])
    }

    // MARK: concurrency

    @Test func twoHundredConcurrentRequestsMatchTheirCallers() async throws {
        let n = 200
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: Double.self) { group in
            for i in 0..<n {
                group.addTask { [client, server] in
                    let t0 = ContinuousClock.now
                    let response = try await client.execute(HTTPRequest(
                        method: .post, url: server.url("/echo?id=\(i)"), headers: ["X-Request-Id": "\(i)"],
                        text: "body-\(i)"))
                    let echo = try Echo(response.body)
                    #expect(response.status == 200)
                    #expect(echo.query["id"] == "\(i)")
                    #expect(echo.headers["x-request-id"] == "\(i)")
                    #expect(echo.body == Array("body-\(i)".utf8))
                    return seconds(since: t0)
                }
            }
            var all: [Double] = []
            for try await l in group { all.append(l) }
            return all.sorted()
        }
        let wall = seconds(since: start)
        #expect(latencies.count == n)
        #expect(client.inFlightCount == 0)
        let p50 = latencies[n / 2], p99 = latencies[n * 99 / 100], maxL = latencies[n - 1]
        print(String(format: "[HTTPConnectorTests] %d concurrent POST /echo: wall %.3f s (%.0f req/s), latency p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                     n, wall, Double(n) / wall, p50 * 1000, p99 * 1000, maxL * 1000))
    }

    @Test func maxConnectionsPerHostIsEnforced() async throws {
        var options = HTTPClientOptions()
        options.maxConnectionsPerHost = 2
        let limited = try HTTPClient(options: options)
        defer { limited.shutdown() }
        let url = server.url("/echo")
        let ports = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask { try Echo(try await limited.execute(HTTPRequest(url: url)).body).client_port }
            }
            var ports = Set<Int>()
            for try await p in group { ports.insert(p) }
            return ports
        }
        #expect(ports.count <= 2, "used \(ports.count) connections")
    }

    @Test func queuedRequestsTimeOutToo() async throws {
        // One connection per host: the second request waits in libcurl's queue behind a slow one. Its timeout
        // covers the wait.
        var options = HTTPClientOptions()
        options.maxConnectionsPerHost = 1
        let limited = try HTTPClient(options: options)
        defer { limited.shutdown() }
        // The slow request outlasts any scheduling delay of a loaded machine, so /ok is always queued behind it.
        let slow = Task { [server] in try await limited.execute(HTTPRequest(url: server.url("/slow?ms=20000"), timeout: .seconds(30))) }
        try await Task.sleep(for: .milliseconds(300))
        let start = ContinuousClock.now
        await #expect(throws: HTTPClientError.timeout(url: server.url("/ok"), limit: .milliseconds(400))) {
            _ = try await limited.execute(HTTPRequest(url: self.server.url("/ok"), timeout: .milliseconds(400)))
        }
        let elapsed = seconds(since: start)
        // Well under the slow request's 20 s: the timeout counted the wait in the queue.
        #expect(elapsed < 5, "queued request timed out after \(elapsed) s")
        slow.cancel()
        _ = await slow.result
    }

    @Test func completionHandlersFromPlainThreads() throws {
        let n = 50
        let results = Mutex<[Int: String]>([:])
        let group = DispatchGroup()
        let client = self.client, server = self.server
        for i in 0..<n {
            group.enter()
            Thread.detachNewThread {
                client.execute(HTTPRequest(url: server.url("/echo?id=\(i)"))) { result in
                    let id = (try? Echo(result.get().body))?.query["id"] ?? "error: \(result)"
                    results.withLock { $0[i] = id }
                    group.leave()
                }
            }
        }
        #expect(group.wait(timeout: .now() + 20) == .success)
        let got = results.withLock { $0 }
        #expect(got.count == n)
        for i in 0..<n { #expect(got[i] == "\(i)") }

        // The blocking convenience, from a plain thread.
        let blocking = Mutex<Result<HTTPResponse, HTTPClientError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let r = client.executeBlocking(HTTPRequest(url: server.url("/ok")))
            blocking.withLock { $0 = r }
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
        let r = try #require(blocking.withLock { $0 })
        #expect(try r.get().text == "ok")
    }

    // MARK: timeouts and cancellation

    @Test func timeoutFiresAtTheLimit() async throws {
        let start = ContinuousClock.now
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await self.client.execute(HTTPRequest(url: self.server.url("/slow?ms=5000"), timeout: .milliseconds(500)))
        }
        let elapsed = seconds(since: start)
        #expect(error == .timeout(url: server.url("/slow?ms=5000"), limit: .milliseconds(500)))
        #expect(error?.description.contains("timed out after 500 ms") == true)
        #expect(elapsed >= 0.49 && elapsed < 1.0, "timed out after \(elapsed) s for a 0.5 s limit")
        print(String(format: "[HTTPConnectorTests] 500 ms timeout reported after %.0f ms", elapsed * 1000))

        // The client stays usable, and a request under its limit succeeds.
        let ok = try await client.execute(HTTPRequest(url: server.url("/slow?ms=50"), timeout: .seconds(5)))
        #expect(ok.text == "slow 50")
    }

    @Test func defaultTimeoutComesFromOptions() async throws {
        var options = HTTPClientOptions()
        options.requestTimeout = .milliseconds(300)
        let short = try HTTPClient(options: options)
        defer { short.shutdown() }
        await #expect(throws: HTTPClientError.timeout(url: server.url("/slow?ms=3000"), limit: .milliseconds(300))) {
            _ = try await short.execute(HTTPRequest(url: self.server.url("/slow?ms=3000")))
        }
    }

    @Test func cancellationReturnsPromptly() async throws {
        let client = self.client, url = server.url("/slow?ms=5000")
        let task = Task { try await client.execute(HTTPRequest(url: url)) }
        try await Task.sleep(for: .milliseconds(200))
        #expect(client.inFlightCount == 1)
        let cancelledAt = ContinuousClock.now
        task.cancel()
        let result = await task.result
        let elapsed = seconds(since: cancelledAt)
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(elapsed < 0.3, "cancellation took \(elapsed) s")
        #expect(client.inFlightCount == 0)
        print(String(format: "[HTTPConnectorTests] cancellation of an in-flight request returned after %.1f ms", elapsed * 1000))
        #expect(try await client.execute(HTTPRequest(url: server.url("/ok"))).text == "ok")
    }

    @Test func alreadyCancelledTaskDoesNotSend() async throws {
        let client = self.client, url = server.url("/flaky?key=never&fail=0")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.execute(HTTPRequest(url: url))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        // The flaky counter proves the request never reached the server: the first call says "ok after 0".
        #expect(try await client.execute(HTTPRequest(url: url)).text == "ok after 0")
    }

    @Test func cancellationStress() async throws {
        // Many requests, half cancelled at random moments (before hand-over, queued, in flight, after completion):
        // each ends exactly once, with a response or CancellationError, and nothing stays in flight.
        let client = self.client, server = self.server
        let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<300 {
                let task = Task { try await client.execute(HTTPRequest(url: server.url("/slow?ms=\(i % 40)"))) }
                group.addTask {
                    if i % 2 == 0 {
                        try await Task.sleep(for: .microseconds((i * 97) % 30_000))
                        task.cancel()
                    }
                    switch await task.result {
                    case .success(let r): return r.status == 200 ? "ok" : "status \(r.status)"
                    case .failure(is CancellationError): return "cancelled"
                    case .failure(let e): return "error \(e)"
                    }
                }
            }
            var counts: [String: Int] = [:]
            for try await o in group { counts[o, default: 0] += 1 }
            return counts
        }
        #expect(outcomes["ok", default: 0] + outcomes["cancelled", default: 0] == 300, "\(outcomes)")
        #expect(outcomes["ok", default: 0] >= 150)
        #expect(client.inFlightCount == 0)
        #expect(try await client.execute(HTTPRequest(url: server.url("/ok"))).text == "ok")
    }

    @Test func completionHandleCancel() throws {
        let outcome = Mutex<Result<HTTPResponse, HTTPClientError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let handle = client.execute(HTTPRequest(url: server.url("/slow?ms=5000"))) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        Thread.sleep(forTimeInterval: 0.1)
        handle.cancel()
        #expect(done.wait(timeout: .now() + 1) == .success)
        let result = try #require(outcome.withLock { $0 })
        #expect(throws: HTTPClientError.cancelled) { try result.get() }
        handle.cancel()     // idempotent, no second completion
    }

    // MARK: connection failures

    @Test func connectionRefused() async throws {
        let port = try closedLoopbackPort()
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await self.client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/ok"))
        }
        #expect(error == .connectionRefused(host: "127.0.0.1", port: port))
        #expect(error?.description.contains("127.0.0.1:\(port)") == true)
    }

    @Test func droppedConnectionIsAClearError() async throws {
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await self.client.execute(HTTPRequest(url: self.server.url("/drop")))
        }
        #expect(error == .connectionClosed(host: "127.0.0.1", port: server.port))
        #expect(error?.description == "HTTP server 127.0.0.1:\(server.port) closed the connection without sending a response")

        let reset = await #expect(throws: HTTPClientError.self) {
            _ = try await self.client.execute(HTTPRequest(url: self.server.url("/reset")))
        }
        guard case .connectionLost(let url, let detail)? = reset else {
            Issue.record("expected connectionLost, got \(String(describing: reset))"); return
        }
        #expect(url == server.url("/reset"))
        #expect(detail.lowercased().contains("reset"))
        // Fine afterwards (a broken connection is not reused).
        #expect(try await client.execute(HTTPRequest(url: server.url("/ok"))).status == 200)
    }

    @Test func garbageResponse() async throws {
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await self.client.execute(HTTPRequest(url: self.server.url("/garbage")))
        }
        guard case .invalidResponse(let url, _)? = error else {
            Issue.record("expected invalidResponse, got \(String(describing: error))"); return
        }
        #expect(url == server.url("/garbage"))
    }

    @Test func dnsFailure() async throws {
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await self.client.execute(HTTPRequest(url: "http://no-such-host.invalid/x", timeout: .seconds(10)))
        }
        guard case .dnsFailure(let host, _)? = error else {
            Issue.record("expected dnsFailure, got \(String(describing: error))"); return
        }
        #expect(host == "no-such-host.invalid")
    }

    @Test func tlsFailureAgainstAPlainHTTPServer() async throws {
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await self.client.execute(HTTPRequest(url: "https://127.0.0.1:\(self.server.port)/ok"))
        }
        guard case .tlsFailure(let host, _)? = error else {
            Issue.record("expected tlsFailure, got \(String(describing: error))"); return
        }
        #expect(host == "127.0.0.1")
    }

    @Test func invalidRequests() async throws {
        for url in ["not a url", "ftp://127.0.0.1/x", "file:///etc/passwd", ""] {
            let error = await #expect(throws: HTTPClientError.self) {
                _ = try await self.client.execute(HTTPRequest(url: url))
            }
            guard case .invalidRequest? = error else { Issue.record("\(url): \(String(describing: error))"); continue }
        }
        await #expect(throws: HTTPClientError.self) {
            _ = try await self.client.execute(HTTPRequest(url: self.server.url("/ok"), headers: ["X-Bad": "a\r\nInjected: 1"]))
        }
    }

    // MARK: bodies and limits

    @Test(arguments: [false, true]) func bigBodies(chunked: Bool) async throws {
        let n = 8 * 1024 * 1024 + 17
        let response = try await client.execute(HTTPRequest(url: server.url("/big?bytes=\(n)&chunked=\(chunked ? 1 : 0)")))
        #expect(response.status == 200)
        #expect(response.body.count == n)
        var ok = true
        for i in stride(from: 0, to: n, by: 4093) where response.body[i] != UInt8(i % 251) { ok = false; break }
        #expect(ok && response.body[n - 1] == UInt8((n - 1) % 251))

        let upload = [UInt8](repeating: 0x5A, count: 3 * 1024 * 1024)
        let echo = try Echo(try await client.execute(HTTPRequest(method: .post, url: server.url("/echo"), body: upload)).body)
        #expect(echo.body == upload)
    }

    @Test(arguments: [false, true]) func maxBodySize(chunked: Bool) async throws {
        var options = HTTPClientOptions()
        options.maxResponseBodySize = 1024 * 1024
        let limited = try HTTPClient(options: options)
        defer { limited.shutdown() }
        let c = chunked ? 1 : 0

        let exact = try await limited.execute(HTTPRequest(url: server.url("/big?bytes=\(1024 * 1024)&chunked=\(c)")))
        #expect(exact.body.count == 1024 * 1024)

        let url = server.url("/big?bytes=\(1024 * 1024 + 1)&chunked=\(c)")
        let error = await #expect(throws: HTTPClientError.self) { _ = try await limited.execute(HTTPRequest(url: url)) }
        #expect(error == .responseTooLarge(url: url, limit: 1024 * 1024))
        #expect(error?.description.contains("1048576 bytes") == true)

        // Per-request override, both ways.
        let raised = try await limited.execute(HTTPRequest(url: server.url("/big?bytes=3000000&chunked=\(c)"), maxResponseBodySize: 4_000_000))
        #expect(raised.body.count == 3_000_000)
        await #expect(throws: HTTPClientError.responseTooLarge(url: server.url("/ok"), limit: 1)) {
            _ = try await limited.execute(HTTPRequest(url: self.server.url("/ok"), maxResponseBodySize: 1))
        }
    }

    @Test func defaultMaxBodyIs16MiB() {
        #expect(HTTPClientOptions.default.maxResponseBodySize == 16 * 1024 * 1024)
        #expect(HTTPClientOptions.default.followRedirects == false)
    }

    // MARK: shutdown

    @Test func shutdownFailsRequestsInFlight() async throws {
        let client = try HTTPClient()
        let url = server.url("/slow?ms=5000")
        let tasks = (0..<10).map { _ in Task { try await client.execute(HTTPRequest(url: url)) } }
        let handlerResult = Mutex<Result<HTTPResponse, HTTPClientError>?>(nil)
        client.execute(HTTPRequest(url: url)) { r in handlerResult.withLock { $0 = r } }
        try await Task.sleep(for: .milliseconds(300))
        #expect(client.inFlightCount == 11)

        let start = ContinuousClock.now
        client.shutdown()
        let shutdownTime = seconds(since: start)
        #expect(shutdownTime < 1.0, "shutdown took \(shutdownTime) s")
        // Every completion has run by the time shutdown returns.
        #expect(handlerResult.withLock { $0.map { (try? $0.get()) == nil } } == true)
        for task in tasks {
            await #expect(throws: HTTPClientError.shutDown) { _ = try await task.value }
        }
        #expect(seconds(since: start) < 1.0)

        // Afterwards: fails at once, and shutdown is idempotent.
        await #expect(throws: HTTPClientError.shutDown) { _ = try await client.execute(HTTPRequest(url: self.server.url("/ok"))) }
        client.shutdown()
    }

    @Test func droppingTheClientFailsItsRequests() throws {
        let outcome = Mutex<Result<HTTPResponse, HTTPClientError>?>(nil)
        do {
            let client = try HTTPClient()
            client.execute(HTTPRequest(url: server.url("/slow?ms=5000"))) { r in outcome.withLock { $0 = r } }
            Thread.sleep(forTimeInterval: 0.1)
        }   // deinit: shuts down and joins
        let result = try #require(outcome.withLock { $0 })
        #expect(throws: HTTPClientError.shutDown) { try result.get() }
    }

    @Test func shutdownFromACompletionHandlerDoesNotDeadlock() throws {
        let client = try HTTPClient()
        let done = DispatchSemaphore(value: 0)
        client.execute(HTTPRequest(url: server.url("/ok"))) { _ in
            client.shutdown()       // on the event thread: must not wait for itself
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 5) == .success)
        client.shutdown()
        #expect(client.executeBlocking(HTTPRequest(url: server.url("/ok"))) == .failure(.shutDown))
    }
}
