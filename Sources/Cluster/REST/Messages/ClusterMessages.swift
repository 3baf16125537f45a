// Bodies of the cluster-wide endpoints, field for field as Flink 2.3 sends them (reference/flink-rest-samples).

import Dataflow

/// `GET /config` (`DashboardConfiguration`): the dashboard boots from it.
public struct DashboardConfiguration: Codable, Sendable, Equatable, RESTMessageBody {
    public struct Features: Codable, Sendable, Equatable {
        public var webSubmit: Bool
        public var webCancel: Bool
        public var webRescale: Bool
        public var webHistory: Bool
        enum CodingKeys: String, CodingKey {
            case webSubmit = "web-submit", webCancel = "web-cancel", webRescale = "web-rescale", webHistory = "web-history"
        }
    }
    public var refreshInterval: Int64
    public var timezoneName: String
    public var timezoneOffset: Int
    public var flinkVersion: String
    public var flinkRevision: String
    public var features: Features
    enum CodingKeys: String, CodingKey {
        case refreshInterval = "refresh-interval", timezoneName = "timezone-name", timezoneOffset = "timezone-offset"
        case flinkVersion = "flink-version", flinkRevision = "flink-revision", features
    }
}

/// `GET /overview` (`ClusterOverviewWithVersion`).
public struct ClusterOverview: Codable, Sendable, Equatable, RESTMessageBody {
    public var taskManagers: Int
    public var slotsTotal: Int
    public var slotsAvailable: Int
    public var jobsRunning: Int
    public var jobsFinished: Int
    public var jobsCancelled: Int
    public var jobsFailed: Int
    public var flinkVersion: String
    public var flinkCommit: String
    enum CodingKeys: String, CodingKey {
        case taskManagers = "taskmanagers", slotsTotal = "slots-total", slotsAvailable = "slots-available"
        case jobsRunning = "jobs-running", jobsFinished = "jobs-finished", jobsCancelled = "jobs-cancelled", jobsFailed = "jobs-failed"
        case flinkVersion = "flink-version", flinkCommit = "flink-commit"
    }
}

/// One entry of `GET /jobmanager/config` (`ConfigurationInfoEntry`).
public struct ConfigurationEntry: Codable, Sendable, Equatable, RESTArrayElement {
    public var key: String
    public var value: String
}

/// `GET /jobmanager/environment` (`EnvironmentInfo`), filled with the Swift runtime's facts (display only).
public struct EnvironmentInfo: Codable, Sendable, Equatable, RESTMessageBody {
    public struct JVMInfo: Codable, Sendable, Equatable {
        public var version: String
        public var arch: String
        public var options: [String]
    }
    public var jvm: JVMInfo
    public var classpath: [String]
}

/// `GET /applications/overview` (new in Flink 2): one application per job.
public struct ApplicationsOverview: Codable, Sendable, Equatable, RESTMessageBody {
    public struct Application: Codable, Sendable, Equatable {
        public var id: JobID
        public var name: String
        public var startTime: Int64
        public var endTime: Int64
        public var duration: Int64
        public var status: String
        public var jobs: [String: Int]
        enum CodingKeys: String, CodingKey {
            case id, name, startTime = "start-time", endTime = "end-time", duration, status, jobs
        }
    }
    public var applications: [Application]
}
