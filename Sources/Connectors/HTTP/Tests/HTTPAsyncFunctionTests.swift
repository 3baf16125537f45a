// HTTPAsyncFunction: the thin adapter for the async I/O stage.

import Foundation
import HTTPConnector
import Testing

@Suite final class HTTPAsyncFunctionTests {
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

    struct Call: Sendable { let key: String; let fail: Int }

    @Test func non2xxThrowsWithStatusAndBodyPrefixThenSucceeds() async throws {
        let base = server.base
        let function = HTTPAsyncFunction<Call, String>(
            client: client,
            request: { HTTPRequest(url: "\(base)/flaky?key=\($0.key)&fail=\($0.fail)") },
            response: { call, response in "\(call.key): \(response.text)" })
        let call = Call(key: "k1", fail: 2)
        for attempt in 1...2 {
            let error = await #expect(throws: HTTPStatusError.self) { _ = try await function.invoke(call) }
            #expect(error?.status == 503)
            #expect(error?.bodyPrefixText == "flaky k1 call \(attempt) of 2 failing")
            #expect(error?.url == "\(base)/flaky?key=k1&fail=2")
        }
        #expect(try await function.invoke(call) == "k1: ok after 2")
    }

    @Test func bodyPrefixIsAtMost200Bytes() async throws {
        let base = server.base
        let function = HTTPAsyncFunction<Int, Int>(
            client: client,
            request: { HTTPRequest(url: "\(base)/status/\($0)?pad=1000") },
            response: { _, response in response.status })
        let error = await #expect(throws: HTTPStatusError.self) { _ = try await function.invoke(500) }
        #expect(error?.bodyPrefix.count == 200)
        #expect(error?.bodyPrefixText.hasPrefix("status 500....") == true)
        #expect(error?.description.hasPrefix("HTTP 500 from \(base)/status/500?pad=1000: status 500") == true)
        #expect(try await function.invoke(204) == 204)
    }

    @Test func parseErrorsAndTransportErrorsPassThrough() async throws {
        struct Bad: Error {}
        let base = server.base
        let failing = HTTPAsyncFunction<String, Int>(
            client: client, request: { HTTPRequest(url: base + $0) }, response: { _, _ in throw Bad() })
        await #expect(throws: Bad.self) { _ = try await failing.invoke("/ok") }
        await #expect(throws: HTTPClientError.connectionClosed(host: "127.0.0.1", port: server.port)) {
            _ = try await failing.invoke("/drop")
        }
    }
}
