// The dashboard's submit page: the cluster's jobs listed as "jars" and started by name.
// Each type is one endpoint, named after Flink's `*Headers` class for the same route.

/// `GET /jars` — the jobs of the cluster's catalog (`jobs.yaml` and the compiled jobs).
public enum JarListHeaders: RESTEndpoint {
    public typealias Parameters = NoParameters
    public typealias RequestBody = EmptyBody
    public typealias ResponseBody = JarListInfo
    public static let path = "/jars"
    public static let method = RESTMethod.get
    public static let operationID = "getJarList"
}

/// `POST /jars/:jarid/run?parallelism=N&program-args=…` — submits the catalog job `jarid`; program arguments
/// `--name value` or `name=value` become its parameters.
public enum JarRunHeaders: RESTEndpoint {
    public typealias Parameters = JarRunQuery
    public typealias RequestBody = JarRunRequestBody
    public typealias ResponseBody = JarRunResponseBody
    public static let path = "/jars/:jarid/run"
    public static let method = RESTMethod.post
    public static let operationID = "submitJobFromJar"
}

/// `:jarid` (a job name) and the values the dashboard also sends as query parameters.
public struct JarRunQuery: RESTParameters {
    public let jarID: String
    public let parallelism: Int?
    public let programArgs: String?
    public init(jarID: String, parallelism: Int? = nil) { self.jarID = jarID; self.parallelism = parallelism; programArgs = nil }
    public init(_ r: RESTRequestValues) throws(RESTError) {
        jarID = r.path["jarid"] ?? ""
        parallelism = try r.int("parallelism")
        programArgs = r.query["program-args"]?.last ?? r.query["programArg"]?.last
    }
    public var pathValues: [String: String] { ["jarid": jarID] }
    public var queryItems: [(name: String, value: String)] { parallelism.map { [("parallelism", "\($0)")] } ?? [] }
}
