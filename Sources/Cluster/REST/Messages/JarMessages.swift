// Bodies of the dashboard's submit page (`/jars*`). A "jar" here is a job of the cluster's catalog: its id is the
// job's name, its entry the job's description, so Flink's own dashboard can list and start our compiled jobs.

import Dataflow
import Foundation

/// `GET /jars` (`JarListInfo`).
public struct JarListInfo: Codable, Sendable, Equatable, RESTMessageBody {
    public struct File: Codable, Sendable, Equatable {
        public struct Entry: Codable, Sendable, Equatable {
            public var name: String
            public var description: String?
        }
        public var id: String
        public var name: String
        /// Epoch milliseconds: when the JobManager started with this binary's jobs (our jars are never uploaded).
        public var uploaded: Int64
        public var entry: [Entry]
        /// Ours, beyond Flink's shape (its dashboard ignores them): the job's parallelism and parameters in
        /// jobs.yaml, which our Submit page fills its form with.
        public var parallelism: Int?
        public var parameters: [String: String]?
    }
    public var address: String
    public var files: [File]
}

/// `POST /jars/:jarid/run` body (`JarRunRequestBody`); every field optional, as the dashboard sends what it has.
public struct JarRunRequestBody: Codable, Sendable, Equatable, RESTMessageBody {
    public var entryClass: String?
    public var programArgs: String?
    public var programArgsList: [String]?
    public var parallelism: Int?
    public var jobID: String?
    public var allowNonRestoredState: Bool?
    public var savepointPath: String?
    public var flinkConfiguration: [String: String]?
    enum CodingKeys: String, CodingKey {
        case entryClass, programArgs, programArgsList, parallelism, jobID = "jobId", allowNonRestoredState, savepointPath, flinkConfiguration
    }

    public init(parallelism: Int? = nil, programArgsList: [String]? = nil) {
        self.parallelism = parallelism
        self.programArgsList = programArgsList
    }

    /// The dashboard may post nothing and put everything in the query.
    public init(restBody: [UInt8]) throws {
        if restBody.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) { self.init(); return }
        self = try JSONDecoder().decode(Self.self, from: Data(restBody))
    }
}

/// `POST /jars/:jarid/run` answer (`JarRunResponseBody`).
public struct JarRunResponseBody: Codable, Sendable, Equatable, RESTMessageBody {
    public var jobID: JobID
    enum CodingKeys: String, CodingKey { case jobID = "jobid" }
}
