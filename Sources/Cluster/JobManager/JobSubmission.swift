import Dataflow

/// A job submitted by name: our jobs are Swift code compiled into the binary, so a submission names one and gives
/// its parameters and parallelism (the body of `POST /jobs/submit-by-name`).
public struct JobSubmission: Codable, Sendable, Equatable {
    /// A `jobs.yaml` entry or a compiled job's name.
    public var job: String
    /// Overrides the entry's parallelism and `parallelism.default`.
    public var parallelism: Int?
    /// Job parameters on top of the entry's (`-D name=value`).
    public var parameters: [String: String]
    /// A savepoint to start from (Flink's `savepointPath`, `flink run -s`).
    public var savepointPath: String?
    /// Skip savepoint state of stages the job no longer has (Flink's `allowNonRestoredState`, `-n`).
    public var allowNonRestoredState: Bool?

    public init(job: String, parallelism: Int? = nil, parameters: [String: String] = [:], savepointPath: String? = nil,
                allowNonRestoredState: Bool? = nil) {
        self.job = job
        self.parallelism = parallelism
        self.parameters = parameters
        self.savepointPath = savepointPath
        self.allowNonRestoredState = allowNonRestoredState
    }

    enum CodingKeys: String, CodingKey { case job, parallelism, parameters, savepointPath, allowNonRestoredState }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        job = try c.decode(String.self, forKey: .job)
        parallelism = try c.decodeIfPresent(Int.self, forKey: .parallelism)
        parameters = try c.decodeIfPresent([String: String].self, forKey: .parameters) ?? [:]
        savepointPath = try c.decodeIfPresent(String.self, forKey: .savepointPath)
        allowNonRestoredState = try c.decodeIfPresent(Bool.self, forKey: .allowNonRestoredState)
    }
}

/// A submission turned into a runnable job by the executable's catalog (`jobs.yaml` + the compiled jobs).
public struct ResolvedJob: Sendable {
    public let job: Job
    /// The parallelism to run with; nil takes `parallelism.default`.
    public let parallelism: Int?
    /// The parameters in effect (entry defaults merged with the submission's), shown as the job's user config.
    public let parameters: [String: String]

    public init(job: Job, parallelism: Int?, parameters: [String: String]) {
        self.job = job
        self.parallelism = parallelism
        self.parameters = parameters
    }
}

/// Turns a submission into a job; throws a message for the submitter when the name or a parameter is wrong.
/// Injected by the executable so that the cluster does not depend on the jobs it runs.
public typealias JobResolver = @Sendable (JobSubmission) throws -> ResolvedJob

/// A job the cluster can run, as `jobs.yaml` declares it (what the dashboard's submit page lists).
public struct CatalogEntry: Codable, Sendable, Equatable {
    public var name: String
    public var summary: String
    public var parallelism: Int?
    public var parameters: [String: String]

    public init(name: String, summary: String, parallelism: Int?, parameters: [String: String]) {
        self.name = name
        self.summary = summary
        self.parallelism = parallelism
        self.parameters = parameters
    }
}

/// The jobs the cluster can run, read when asked (so that edits to `jobs.yaml` show).
public typealias JobCatalogListing = @Sendable () -> [CatalogEntry]

/// Why a submission was refused.
public enum JobSubmissionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The submission itself is wrong (unknown job or parameter, bad parallelism): 400.
    case invalid(String)
    /// The cluster cannot run it now (not enough free slots): 409.
    case noResources(String)

    public var description: String {
        switch self {
        case .invalid(let m), .noResources(let m): return m
        }
    }
}
