import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Metrics
import Observability
import Prometheus
import ServiceLifecycle
import Testing

@Suite("Prometheus endpoint")
struct PrometheusEndpointTests {
    @Test("swift-metrics counters, gauges and timers appear in the exposition text")
    func exposition() {
        let registry = PrometheusCollectorRegistry()
        let factory = Observability.makeMetricsFactory(registry: registry)
        Counter(label: "chat_messages_published", dimensions: [("topic", "chat-messages")], factory: factory).increment(by: 3)
        Gauge(label: "active_streams", factory: factory).record(7)
        Timer(label: "twitch_api_latency", factory: factory).recordMilliseconds(250)
        let text = registry.emitToString()
        #expect(text.contains("# TYPE chat_messages_published counter"))
        #expect(text.contains(#"chat_messages_published{topic="chat-messages"} 3"#))
        #expect(text.contains("active_streams 7"))
        #expect(text.contains("# TYPE twitch_api_latency histogram"))
        #expect(text.contains("twitch_api_latency_count 1"))
    }

    @Test("GET /metrics serves the registry over HTTP and the service stops on graceful shutdown")
    func servesOverHTTP() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = Observability.makeMetricsFactory(registry: registry)
        let counter = Counter(label: "observability_test_requests", factory: factory)
        counter.increment(by: 5)

        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let endpoint = PrometheusEndpoint(registry: registry, host: "127.0.0.1", port: 0,
                                          logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                          onListening: { portContinuation.yield($0) })
        let group = ServiceGroup(configuration: .init(services: [endpoint], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            #expect(port > 0)

            let url = URL(string: "http://127.0.0.1:\(port)/metrics")!
            let (body, response) = try await URLSession.shared.data(from: url)
            let http = try #require(response as? HTTPURLResponse)
            #expect(http.statusCode == 200)
            #expect((http.value(forHTTPHeaderField: "Content-Type") ?? "").hasPrefix("text/plain; version=0.0.4"))
            #expect(String(decoding: body, as: UTF8.self).contains("observability_test_requests 5"))

            counter.increment()
            let (again, _) = try await URLSession.shared.data(from: url)
            #expect(String(decoding: again, as: UTF8.self).contains("observability_test_requests 6"))

            let (_, missing) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/other")!)
            #expect((missing as? HTTPURLResponse)?.statusCode == 404)

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
