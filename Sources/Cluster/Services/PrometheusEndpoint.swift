import Hummingbird

/// The Prometheus scrape endpoint (Flink's reporter answers on any path; we serve `/` and `/metrics`).
public enum PrometheusEndpoint {
    public static func router(reporter: PrometheusReporter) -> Router<BasicRequestContext> {
        router { reporter.scrape() }
    }

    static func router(scrape: @escaping @Sendable () -> String) -> Router<BasicRequestContext> {
        let router = Router()
        for path in ["/", "/metrics"] {
            router.get(RouterPath(path)) { _, _ -> Response in
                Response(status: .ok, headers: [.contentType: PrometheusText.contentType],
                         body: .init(byteBuffer: ByteBuffer(string: scrape())))
            }
        }
        return router
    }
}
