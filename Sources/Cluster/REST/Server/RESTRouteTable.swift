import Dataflow
import Hummingbird

/// Binds endpoint types to handlers on a Hummingbird router, every route under both `/` (the dashboard's paths) and
/// `/v1/` (the Java client's). Parameters are parsed by the endpoint's parameter type, the body by its request type,
/// and the answer is encoded by its response type with its success status — or as Flink's error body.
struct RESTRouteTable {
    typealias Context = BasicRequestContext
    static let versionPrefixes = ["", "/v1"]
    /// Largest request body accepted (the Java client uploads job graphs and jars before we refuse them).
    static let maxRequestBody = 64 << 20

    static let tooLarge = RESTError(status: 413, "Request body exceeds the limit of \(maxRequestBody) bytes.")

    let router: Router<Context>

    func add<E: RESTEndpoint>(_ endpoint: E.Type,
                              _ handler: @escaping @Sendable (E.Parameters, E.RequestBody) async throws -> E.ResponseBody) {
        let names = E.path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
        for prefix in Self.versionPrefixes {
            router.on(RouterPath(prefix + E.path), method: E.method.httpMethod) { request, context -> Response in
                do {
                    var path: [String: String] = [:]
                    for name in names { path[name] = context.parameters.get(name) }
                    var query: [String: [String]] = [:]
                    for (key, value) in request.uri.queryParameters { query[String(key), default: []].append(String(value)) }
                    let parameters = try E.Parameters(RESTRequestValues(path: path, query: query))
                    // Refused before it is read when it says it is too large; cut off at the limit when it does not say.
                    if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > Self.maxRequestBody {
                        throw Self.tooLarge
                    }
                    let buffer: ByteBuffer
                    do { buffer = try await request.body.collect(upTo: Self.maxRequestBody) } catch { throw Self.tooLarge }
                    let body: E.RequestBody
                    do {
                        body = try E.RequestBody(restBody: Array(buffer.readableBytesView))
                    } catch {
                        throw RESTError.badRequest("Request did not match expected format \(E.RequestBody.self): \(error)")
                    }
                    let answer = try await handler(parameters, body)
                    return Self.json(status: E.successStatus, try answer.restBody())
                } catch let error as RESTError {
                    return Self.json(status: error.status, (try? error.body.restBody()) ?? [])
                } catch {
                    return Self.json(status: 500, (try? ErrorResponseBody(errors: ["Internal server error: \(error)"]).restBody()) ?? [])
                }
            }
        }
    }

    /// Flink's content type on every answer, errors included (the Java client checks it). The views mask secrets
    /// field by field; this is the net under them: no answer carries a credential, whatever text it quotes.
    static func json(status: Int, _ bytes: [UInt8]) -> Response {
        let masked = Array(Secrets.mask(String(decoding: bytes, as: UTF8.self)).utf8)
        return Response(status: .init(code: status), headers: [.contentType: "application/json; charset=UTF-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: masked)))
    }
}

/// Answers what no route matched as Flink does: 404 with `{"errors": [...]}` instead of Hummingbird's own body.
struct FlinkErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let message = error.status == .notFound ? "Unable to load requested file \(request.uri.path)." : error.body ?? "\(error.status)"
            return RESTRouteTable.json(status: Int(error.status.code), (try? ErrorResponseBody(errors: [message]).restBody()) ?? [])
        }
    }
}

extension RESTMethod {
    var httpMethod: HTTPRequest.Method {
        switch self {
        case .get: return .get
        case .post: return .post
        case .patch: return .patch
        case .put: return .put
        case .delete: return .delete
        }
    }
}
