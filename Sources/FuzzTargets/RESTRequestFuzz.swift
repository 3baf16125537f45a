import Cluster
import HummingbirdCore

/// REST requests: the input is `path value LF query string LF body`. The query string is split as the server's
/// router does (Hummingbird's `URI`), every endpoint's parameter set reads the path and query values, every request
/// body type decodes the body, and the jar run's program arguments become job parameters.
public enum RESTRequestFuzz: FuzzTarget {
    public static let name = "rest-request"

    public static func run(_ data: UnsafeRawBufferPointer) {
        let parts = data.split(0x0A, maxParts: 3)
        let pathValue = parts[0].text
        let queryText = parts.count > 1 ? parts[1].text : ""
        let body = parts.count > 2 ? Array(parts[2]) : []
        var query: [String: [String]] = [:]
        for (key, value) in URI("/jobs?" + queryText).queryParameters { query[String(key), default: []].append(String(value)) }
        let path = ["jobid": pathValue, "vertexid": pathValue, "taskmanagerid": pathValue, "triggerid": pathValue, "jarid": pathValue]
        let values = RESTRequestValues(path: path, query: query)
        _ = try? JobPath(values)
        _ = try? JobTermination(values)
        _ = try? JobExceptionsQuery(values)
        _ = try? VertexPath(values)
        _ = try? TaskManagerPath(values)
        _ = try? MetricQuery<VertexPath>(values)
        _ = try? AggregatedMetricQuery<JobPath>(values)
        _ = try? JobTriggerPath(values)
        _ = try? RescalingParameters(values)
        _ = try? TriggerPath(values)
        let jarQuery = try? JarRunQuery(values)
        _ = try? JobSubmission(restBody: body)
        _ = try? SavepointTriggerRequestBody(restBody: body)
        _ = try? StopWithSavepointRequestBody(restBody: body)
        _ = try? SavepointDisposalRequest(restBody: body)
        if let run = try? JarRunRequestBody(restBody: body) {
            let arguments = run.programArgsList ?? RESTAPI.splitArguments(run.programArgs ?? jarQuery?.programArgs ?? "")
            _ = try? RESTAPI.parameters(from: arguments)
        }
    }
}
