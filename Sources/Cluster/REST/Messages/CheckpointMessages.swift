// `CheckpointingStatistics` (`GET /jobs/:jobid/checkpoints`) in Flink's field names. We take no periodic
// checkpoints: the statistics are the job's savepoints (stop, keep-running and rescale ones) and the savepoint the
// current attempt restored.

import Dataflow

public struct CheckpointingStatistics: Codable, Sendable, Equatable, RESTMessageBody {
    public struct Counts: Codable, Sendable, Equatable {
        public var restored: Int64
        public var total: Int64
        public var inProgress: Int
        public var completed: Int64
        public var failed: Int64
        enum CodingKeys: String, CodingKey { case restored, total, inProgress = "in_progress", completed, failed }
    }

    /// A percentile: a number, or Flink's `"NaN"` while there is nothing to take it of.
    public enum Percentile: Codable, Sendable, Equatable {
        case value(Double), notANumber
        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            self = (try? c.decode(Double.self)).map(Percentile.value) ?? .notANumber
        }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .value(let v): try c.encode(v)
            case .notANumber: try c.encode("NaN")
            }
        }
    }

    /// Flink's `StatsSummaryDto`.
    public struct StatsSummary: Codable, Sendable, Equatable {
        public var min: Int64, max: Int64, avg: Int64
        public var p50: Percentile, p90: Percentile, p95: Percentile, p99: Percentile, p999: Percentile

        /// Over `values`; with none, zeros and `empty` percentiles (Flink gives NaN, or 0.0 for the alignment buffer).
        init(_ values: [Int64], empty: Percentile = .notANumber) {
            let sorted = values.sorted()
            func pick(_ q: Double) -> Percentile {
                // Nearest rank.
                guard !sorted.isEmpty else { return empty }
                let rank = Int((q * Double(sorted.count)).rounded(.up))
                return .value(Double(sorted[Swift.max(0, Swift.min(sorted.count, rank) - 1)]))
            }
            min = sorted.first ?? 0
            max = sorted.last ?? 0
            avg = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Int64(sorted.count)
            p50 = pick(0.5); p90 = pick(0.9); p95 = pick(0.95); p99 = pick(0.99); p999 = pick(0.999)
        }
    }

    public struct Summary: Codable, Sendable, Equatable {
        public var checkpointedSize: StatsSummary
        public var stateSize: StatsSummary
        public var endToEndDuration: StatsSummary
        public var alignmentBuffered: StatsSummary
        public var processedData: StatsSummary
        public var persistedData: StatsSummary
        enum CodingKeys: String, CodingKey {
            case checkpointedSize = "checkpointed_size", stateSize = "state_size", endToEndDuration = "end_to_end_duration"
            case alignmentBuffered = "alignment_buffered", processedData = "processed_data", persistedData = "persisted_data"
        }
    }

    /// Flink's `CheckpointStatistics` (completed, failed or in progress, by `className`).
    public struct Entry: Codable, Sendable, Equatable {
        public var className: String
        public var id: Int64
        public var status: String
        public var isSavepoint: Bool
        public var savepointFormat: String
        public var triggerTimestamp: Int64
        public var latestAckTimestamp: Int64
        public var checkpointedSize: Int64
        public var stateSize: Int64
        public var endToEndDuration: Int64
        public var alignmentBuffered: Int64
        public var processedData: Int64
        public var persistedData: Int64
        public var numSubtasks: Int
        public var numAcknowledgedSubtasks: Int
        public var checkpointType: String
        /// Per vertex in Flink; ours are job-wide, so empty.
        public var tasks: [String: Int]
        /// Completed only.
        public var externalPath: String?
        public var discarded: Bool?
        /// Failed only.
        public var failureTimestamp: Int64?
        public var failureMessage: String?

        enum CodingKeys: String, CodingKey {
            case className, id, status, isSavepoint = "is_savepoint", savepointFormat, triggerTimestamp = "trigger_timestamp"
            case latestAckTimestamp = "latest_ack_timestamp", checkpointedSize = "checkpointed_size", stateSize = "state_size"
            case endToEndDuration = "end_to_end_duration", alignmentBuffered = "alignment_buffered", processedData = "processed_data"
            case persistedData = "persisted_data", numSubtasks = "num_subtasks", numAcknowledgedSubtasks = "num_acknowledged_subtasks"
            case checkpointType = "checkpoint_type", tasks, externalPath = "external_path", discarded
            case failureTimestamp = "failure_timestamp", failureMessage = "failure_message"
        }

        init(_ e: SavepointHistoryEntry) {
            className = "in_progress"; status = "IN_PROGRESS"
            id = e.id
            isSavepoint = true
            savepointFormat = "CANONICAL"
            triggerTimestamp = e.triggerTimestamp
            latestAckTimestamp = e.endTimestamp >= 0 ? e.endTimestamp : e.triggerTimestamp
            checkpointedSize = 0; stateSize = 0
            endToEndDuration = e.endTimestamp >= 0 ? e.endTimestamp - e.triggerTimestamp : 0
            alignmentBuffered = 0; processedData = 0; persistedData = 0
            numSubtasks = e.subtasks
            numAcknowledgedSubtasks = 0
            // A stop takes a synchronous savepoint (the job ends with it); the others resume after theirs.
            checkpointType = e.purpose == .stop ? "SYNC_SAVEPOINT" : "SAVEPOINT"
            tasks = [:]
            switch e.status {
            case .inProgress:
                break
            case .completed(let location, let bytes):
                className = "completed"; status = "COMPLETED"
                checkpointedSize = bytes; stateSize = bytes
                numAcknowledgedSubtasks = e.subtasks
                externalPath = location
                discarded = false
            case .failed(let message):
                className = "failed"; status = "FAILED"
                failureTimestamp = e.endTimestamp
                failureMessage = message
            }
        }
    }

    /// Flink's `RestoredCheckpointStatistics`.
    public struct Restored: Codable, Sendable, Equatable {
        public var id: Int64
        public var restoreTimestamp: Int64
        public var isSavepoint: Bool
        public var externalPath: String
        enum CodingKeys: String, CodingKey {
            case id, restoreTimestamp = "restore_timestamp", isSavepoint = "is_savepoint", externalPath = "external_path"
        }
    }

    /// Every field present, `null` when there is none (as Flink sends it).
    public struct Latest: Codable, Sendable, Equatable {
        public var completed: Entry?
        public var savepoint: Entry?
        public var failed: Entry?
        public var restored: Restored?
        enum CodingKeys: String, CodingKey { case completed, savepoint, failed, restored }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(completed, forKey: .completed)
            try c.encode(savepoint, forKey: .savepoint)
            try c.encode(failed, forKey: .failed)
            try c.encode(restored, forKey: .restored)
        }
    }

    public var counts: Counts
    public var summary: Summary
    public var latest: Latest
    /// Newest first.
    public var history: [Entry]

    public init(_ stats: SavepointStatistics) {
        let entries = stats.history.map(Entry.init)
        let completed = entries.filter { $0.status == "COMPLETED" }
        counts = Counts(restored: Int64(stats.restoreCount), total: Int64(entries.count),
                        inProgress: entries.filter { $0.status == "IN_PROGRESS" }.count,
                        completed: Int64(completed.count), failed: Int64(entries.filter { $0.status == "FAILED" }.count))
        summary = Summary(checkpointedSize: StatsSummary(completed.map(\.checkpointedSize)), stateSize: StatsSummary(completed.map(\.stateSize)),
                          endToEndDuration: StatsSummary(completed.map(\.endToEndDuration)),
                          alignmentBuffered: StatsSummary(completed.map(\.alignmentBuffered), empty: .value(0)),
                          processedData: StatsSummary(completed.map(\.processedData)), persistedData: StatsSummary(completed.map(\.persistedData)))
        // Savepoints are not checkpoints: `completed` stays null, as in Flink with checkpointing off.
        latest = Latest(completed: nil, savepoint: completed.first, failed: entries.first { $0.status == "FAILED" },
                        restored: stats.restored.map {
                            Restored(id: $0.savepointID ?? 0, restoreTimestamp: $0.timestamp, isSavepoint: true, externalPath: $0.location)
                        })
        history = entries
    }
}

/// `GET /jobs/:jobid/checkpoints/config` (`CheckpointConfigInfo`). We take no periodic checkpoints, only savepoints
/// (aligned: a job stops at a consistent cut), so the answer is Flink's for a job with checkpointing disabled:
/// interval Long.MAX_VALUE, state on the heap, no externalized checkpoints.
public struct CheckpointConfigInfo: Codable, Sendable, Equatable, RESTMessageBody {
    public struct Externalization: Codable, Sendable, Equatable {
        public var enabled: Bool
        public var deleteOnCancellation: Bool
        enum CodingKeys: String, CodingKey { case enabled, deleteOnCancellation = "delete_on_cancellation" }
    }
    public var mode = "exactly_once"
    public var interval = Int64.max
    public var timeout: Int64 = 600_000
    public var minPause: Int64 = 0
    public var maxConcurrent: Int64 = 1
    public var externalization = Externalization(enabled: false, deleteOnCancellation: true)
    public var stateBackend = "HashMapStateBackend"
    public var checkpointStorage = "JobManagerCheckpointStorage"
    public var unalignedCheckpoints = false
    public var tolerableFailedCheckpoints: Int32 = 0
    public var alignedCheckpointTimeout: Int64 = 0
    public var checkpointsAfterTasksFinish = true
    public var stateChangelogEnabled = false
    public var changelogPeriodicMaterializationInterval: Int64 = 600_000
    public var changelogStorage = "memory"

    public init() {}

    enum CodingKeys: String, CodingKey {
        case mode, interval, timeout, minPause = "min_pause", maxConcurrent = "max_concurrent", externalization
        case stateBackend = "state_backend", checkpointStorage = "checkpoint_storage", unalignedCheckpoints = "unaligned_checkpoints"
        case tolerableFailedCheckpoints = "tolerable_failed_checkpoints", alignedCheckpointTimeout = "aligned_checkpoint_timeout"
        case checkpointsAfterTasksFinish = "checkpoints_after_tasks_finish", stateChangelogEnabled = "state_changelog_enabled"
        case changelogPeriodicMaterializationInterval = "changelog_periodic_materialization_interval", changelogStorage = "changelog_storage"
    }
}
