import Dataflow

/// The path and query parameters of an endpoint (Flink's `*MessageParameters`): parsed and checked on the server,
/// rendered by the client.
public protocol RESTParameters: Sendable {
    /// Reads the parameters of a matched request; a malformed id or value is a 400.
    init(_ request: RESTRequestValues) throws(RESTError)
    /// Values for the `:name` segments of the endpoint's path.
    var pathValues: [String: String] { get }
    /// Query items, in order.
    var queryItems: [(name: String, value: String)] { get }
}

extension RESTParameters {
    public var pathValues: [String: String] { [:] }
    public var queryItems: [(name: String, value: String)] { [] }
}

/// The raw parameters of a request, with typed readers that produce Flink's error messages.
public struct RESTRequestValues: Sendable {
    public let path: [String: String]
    public let query: [String: [String]]

    public init(path: [String: String], query: [String: [String]]) {
        self.path = path
        self.query = query
    }

    func id<ID: TypedID>(_ name: String, as: ID.Type) throws(RESTError) -> ID {
        let text = path[name] ?? ""
        guard text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }), let id = ID(hex: text) else {
            throw .badRequest("Bad request, could not parse parameters: Cannot resolve path parameter (\(name)) from value \"\(text)\".")
        }
        return id
    }

    /// A comma-separated list, as Flink's `get=a,b` and `agg=min,max` (repeated parameters are joined).
    func list(_ name: String) -> [String]? {
        guard let values = query[name] else { return nil }
        let items = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return items
    }

    func int(_ name: String) throws(RESTError) -> Int? {
        guard let text = query[name]?.last else { return nil }
        guard let v = Int(text) else {
            throw .badRequest("Bad request, could not parse parameters: Cannot resolve query parameter (\(name)) from value \"\(text)\".")
        }
        return v
    }
}

// MARK: - The parameter sets of our endpoints

public struct NoParameters: RESTParameters {
    public init() {}
    public init(_ request: RESTRequestValues) throws(RESTError) {}
}

/// `:jobid`
public struct JobPath: RESTParameters {
    public let jobID: JobID
    public init(jobID: JobID) { self.jobID = jobID }
    public init(_ r: RESTRequestValues) throws(RESTError) { jobID = try r.id("jobid", as: JobID.self) }
    public var pathValues: [String: String] { ["jobid": jobID.description] }
}

/// `:jobid` and Flink's `mode=cancel|stop` (parsed case-insensitively, as Flink's `TerminationModeQueryParameter`).
public struct JobTermination: RESTParameters {
    public enum Mode: String, Sendable { case cancel, stop }
    public let jobID: JobID
    public let mode: Mode
    public init(jobID: JobID, mode: Mode = .cancel) { self.jobID = jobID; self.mode = mode }
    public init(_ r: RESTRequestValues) throws(RESTError) {
        jobID = try r.id("jobid", as: JobID.self)
        let text = r.query["mode"]?.last ?? "cancel"
        guard let mode = Mode(rawValue: text.lowercased()) else {
            throw .badRequest("Bad request, could not parse parameters: Cannot resolve query parameter (mode) from value \"\(text)\".")
        }
        self.mode = mode
    }
    public var pathValues: [String: String] { ["jobid": jobID.description] }
    public var queryItems: [(name: String, value: String)] { [("mode", mode.rawValue)] }
}

/// `:jobid` and `maxExceptions=N`.
public struct JobExceptionsQuery: RESTParameters {
    public let jobID: JobID
    public let maxExceptions: Int?
    public init(jobID: JobID, maxExceptions: Int? = nil) { self.jobID = jobID; self.maxExceptions = maxExceptions }
    public init(_ r: RESTRequestValues) throws(RESTError) {
        jobID = try r.id("jobid", as: JobID.self)
        maxExceptions = try r.int("maxExceptions")
    }
    public var pathValues: [String: String] { ["jobid": jobID.description] }
    public var queryItems: [(name: String, value: String)] { maxExceptions.map { [("maxExceptions", "\($0)")] } ?? [] }
}

/// `:jobid/vertices/:vertexid`
public struct VertexPath: RESTParameters {
    public let jobID: JobID
    public let vertexID: VertexID
    public init(jobID: JobID, vertexID: VertexID) { self.jobID = jobID; self.vertexID = vertexID }
    public init(_ r: RESTRequestValues) throws(RESTError) {
        jobID = try r.id("jobid", as: JobID.self)
        vertexID = try r.id("vertexid", as: VertexID.self)
    }
    public var pathValues: [String: String] { ["jobid": jobID.description, "vertexid": vertexID.description] }
}

/// `:taskmanagerid`
public struct TaskManagerPath: RESTParameters {
    public let taskManagerID: TaskManagerID
    public init(taskManagerID: TaskManagerID) { self.taskManagerID = taskManagerID }
    public init(_ r: RESTRequestValues) throws(RESTError) { taskManagerID = try r.id("taskmanagerid", as: TaskManagerID.self) }
    public var pathValues: [String: String] { ["taskmanagerid": taskManagerID.description] }
}

/// `get=a,b` on a metric endpoint: without it the endpoint lists the ids it has.
public struct MetricQuery<Path: RESTParameters>: RESTParameters {
    public let path: Path
    public let get: [String]?
    public init(_ path: Path, get: [String]? = nil) { self.path = path; self.get = get }
    public init(_ r: RESTRequestValues) throws(RESTError) {
        path = try Path(r)
        get = r.list("get")
    }
    public var pathValues: [String: String] { path.pathValues }
    public var queryItems: [(name: String, value: String)] { self.get.map { [("get", $0.joined(separator: ","))] } ?? [] }
}

/// `get=…&agg=min,max,avg,sum,skew` on an aggregating metric endpoint, plus the entity filter (`subtasks=`,
/// `jobs=`, `taskmanagers=`) kept as text.
public struct AggregatedMetricQuery<Path: RESTParameters>: RESTParameters {
    public let path: Path
    public let get: [String]?
    public let aggregations: [MetricAggregation]?
    public let selection: [String]?
    public init(_ path: Path, get: [String]? = nil, aggregations: [MetricAggregation]? = nil) {
        self.path = path; self.get = get; self.aggregations = aggregations; selection = nil
    }
    public init(_ r: RESTRequestValues) throws(RESTError) {
        path = try Path(r)
        get = r.list("get")
        if let names = r.list("agg") {
            var aggs: [MetricAggregation] = []
            for name in names {
                guard let a = MetricAggregation(rawValue: name.lowercased()) else {
                    throw .badRequest("Bad request, could not parse parameters: Cannot resolve query parameter (agg) from value \"\(name)\".")
                }
                aggs.append(a)
            }
            aggregations = aggs
        } else {
            aggregations = nil
        }
        selection = r.list("subtasks") ?? r.list("jobs") ?? r.list("taskmanagers")
    }
    public var pathValues: [String: String] { path.pathValues }
    public var queryItems: [(name: String, value: String)] {
        var items: [(String, String)] = []
        if let names = self.get { items.append(("get", names.joined(separator: ","))) }
        if let aggregations { items.append(("agg", aggregations.map(\.rawValue).joined(separator: ","))) }
        return items
    }
}

/// Flink's `MetricsAggregationParameter.AggregationMode`.
public enum MetricAggregation: String, Sendable, CaseIterable {
    case min, max, avg, sum, skew
}

/// `:jobid/…/:triggerid` — polling an asynchronous operation.
public struct JobTriggerPath: RESTParameters {
    public let jobID: JobID
    public let triggerID: TriggerID
    public init(jobID: JobID, triggerID: TriggerID) { self.jobID = jobID; self.triggerID = triggerID }
    public init(_ r: RESTRequestValues) throws(RESTError) {
        jobID = try r.id("jobid", as: JobID.self)
        triggerID = try r.id("triggerid", as: TriggerID.self)
    }
    public var pathValues: [String: String] { ["jobid": jobID.description, "triggerid": triggerID.description] }
}

/// `:jobid` and the required `parallelism=N` of a rescale.
public struct RescalingParameters: RESTParameters {
    public let jobID: JobID
    public let parallelism: Int
    public init(jobID: JobID, parallelism: Int) { self.jobID = jobID; self.parallelism = parallelism }
    public init(_ r: RESTRequestValues) throws(RESTError) {
        jobID = try r.id("jobid", as: JobID.self)
        guard let p = try r.int("parallelism") else {
            throw .badRequest("Bad request, could not parse parameters: Missing query parameter (parallelism).")
        }
        parallelism = p
    }
    public var pathValues: [String: String] { ["jobid": jobID.description] }
    public var queryItems: [(name: String, value: String)] { [("parallelism", "\(parallelism)")] }
}

/// `:triggerid` of an operation that belongs to no job (savepoint disposal).
public struct TriggerPath: RESTParameters {
    public let triggerID: TriggerID
    public init(triggerID: TriggerID) { self.triggerID = triggerID }
    public init(_ r: RESTRequestValues) throws(RESTError) { triggerID = try r.id("triggerid", as: TriggerID.self) }
    public var pathValues: [String: String] { ["triggerid": triggerID.description] }
}
