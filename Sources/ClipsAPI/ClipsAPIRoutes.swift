import Hummingbird
import Logging
import PostgresConnector

/// The HTTP surface: `/v1.0/clip`, `/v1.0/channels`, `/health`, `/openapi.yaml`, `/` and `/static/*`.
public struct ClipsAPIRoutes: Sendable {
    let store: ClipStore
    let validator: ClipQueryValidator
    let assets: StaticAssets
    let cache: PageCache<ByteBuffer>
    let logger: Logger

    public init(store: ClipStore, configuration: ClipsAPIConfiguration, logger: Logger) {
        self.store = store
        self.validator = ClipQueryValidator(defaultLimit: configuration.defaultLimit, limitRange: configuration.limitRange)
        self.assets = StaticAssets.load()
        self.cache = PageCache(ttl: configuration.pageCacheTTL, capacity: configuration.pageCacheCapacity)
        self.logger = logger
    }

    public func buildRouter() -> Router<BasicRequestContext> {
        let router = Router()
        // The seed used flask-cors' defaults: any origin may read.
        router.add(middleware: CORSMiddleware(allowOrigin: .all, allowHeaders: [.accept, .contentType, .origin],
                                              allowMethods: [.get, .options]))
        router.get("/v1.0/clip") { request, _ in try await clips(request) }
        router.get("/v1.0/channels") { _, _ in try await channels() }
        router.get("/health") { _, _ in await health() }
        router.get("/openapi.yaml") { _, _ in assets.response("openapi.yaml") ?? notFound() }
        router.get("/") { _, _ in assets.response("index.html") ?? notFound() }
        router.get("/static/{name}") { _, context in
            guard let name = context.parameters.get("name"), !name.hasPrefix(".") else { return notFound() }
            return assets.response(name) ?? notFound()
        }
        return router
    }

    func clips(_ request: Request) async throws -> Response {
        let query: ClipQuery
        do {
            query = try validator.validate(QueryString.pairs(request.uri.query))
        } catch {
            logger.debug("rejected clip query", metadata: ["query": "\(request.uri.query ?? "")", "parameter": "\(error.parameter)"])
            return Self.badRequest(error)
        }
        do {
            let store = self.store
            let body = try await cache.page(for: query) { ByteBuffer(bytes: try await store.page(query).json()) }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        } catch {
            return databaseFailure(error)
        }
    }

    func channels() async throws -> Response {
        do {
            let channels = try await store.channels()
            var json = JSONWriter()
            json.beginObject()
            json.key("data")
            json.beginArray()
            for channel in channels { channel.write(to: &json) }
            json.endArray()
            json.endObject()
            return Self.json(.ok, json.bytes)
        } catch {
            return databaseFailure(error)
        }
    }

    func health() async -> Response {
        var json = JSONWriter()
        json.beginObject()
        do {
            try await store.ping()
            json.field("status", "ok")
            json.field("database", "ok")
            json.endObject()
            return Self.json(.ok, json.bytes)
        } catch {
            json.field("status", "unavailable")
            json.field("database", "\(error)")
            json.endObject()
            return Self.json(.serviceUnavailable, json.bytes)
        }
    }

    /// The database is away or refused the statement: a 503 the client can retry, and a log line for us.
    private func databaseFailure(_ error: Error) -> Response {
        logger.error("clip query failed", metadata: ["error": "\(error)"])
        let retryable = (error as? PostgresError)?.isRetryable ?? false
        let status: HTTPResponse.Status = retryable ? .serviceUnavailable : .internalServerError
        var json = JSONWriter()
        json.beginObject()
        json.field("error", status.reasonPhrase)
        json.field("status", status.code)
        json.field("message", retryable ? "the clip database is unavailable, try again shortly" : "the clip query failed")
        json.endObject()
        return Self.json(status, json.bytes)
    }

    static func badRequest(_ error: ParameterError) -> Response {
        var json = JSONWriter()
        json.beginObject()
        json.field("error", "Bad Request")
        json.field("status", 400)
        json.field("parameter", error.parameter)
        json.field("message", error.message)
        json.endObject()
        return Self.json(.badRequest, json.bytes)
    }

    private func notFound() -> Response {
        var json = JSONWriter()
        json.beginObject()
        json.field("error", "Not Found")
        json.field("status", 404)
        json.endObject()
        return Self.json(.notFound, json.bytes)
    }

    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
