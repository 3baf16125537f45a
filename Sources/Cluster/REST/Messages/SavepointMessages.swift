// Bodies of the savepoint, stop and rescaling endpoints (Flink's names and fields).

import Dataflow

/// `TriggerResponse`: the id to poll an asynchronous operation with.
public struct TriggerResponse: Codable, Sendable, Equatable, RESTMessageBody {
    public var requestID: TriggerID
    public init(requestID: TriggerID) { self.requestID = requestID }
    enum CodingKeys: String, CodingKey { case requestID = "request-id" }
}

/// `StopWithSavepointRequestBody` — what `flink stop [-p DIR] [-d]` sends.
public struct StopWithSavepointRequestBody: Codable, Sendable, Equatable, RESTMessageBody {
    public var targetDirectory: String?
    /// Emit the end of event time first, so every window fires (`--drain`).
    public var drain: Bool?
    /// CANONICAL or NATIVE; ours is one format, so the value is accepted and ignored.
    public var formatType: String?
    public var triggerId: String?
    public init(targetDirectory: String? = nil, drain: Bool? = nil) { self.targetDirectory = targetDirectory; self.drain = drain }
}

/// `SavepointTriggerRequestBody` — what `flink savepoint JOB [DIR]` sends.
public struct SavepointTriggerRequestBody: Codable, Sendable, Equatable, RESTMessageBody {
    public var targetDirectory: String?
    /// Cancel the job once the savepoint is taken (otherwise it resumes from it).
    public var cancelJob: Bool?
    public var formatType: String?
    public var triggerId: String?
    public init(targetDirectory: String? = nil, cancelJob: Bool? = nil) { self.targetDirectory = targetDirectory; self.cancelJob = cancelJob }
    enum CodingKeys: String, CodingKey {
        case targetDirectory = "target-directory", cancelJob = "cancel-job", formatType, triggerId
    }
}

/// `SavepointDisposalRequest` — what `flink savepoint -d PATH` sends.
public struct SavepointDisposalRequest: Codable, Sendable, Equatable, RESTMessageBody {
    public var savepointPath: String
    public init(savepointPath: String) { self.savepointPath = savepointPath }
    enum CodingKeys: String, CodingKey { case savepointPath = "savepoint-path" }
}

/// `AsynchronousOperationResult`: `IN_PROGRESS`, then `COMPLETED` with the savepoint's location or the failure.
public struct AsynchronousOperationResult: Codable, Sendable, Equatable, RESTMessageBody {
    public struct Status: Codable, Sendable, Equatable {
        public var id: String
    }
    public struct Operation: Codable, Sendable, Equatable {
        public var location: String?
        public var failureCause: FailureCause?
        enum CodingKeys: String, CodingKey { case location, failureCause = "failure-cause" }
    }
    /// Flink's `SerializedThrowable` as JSON; `serialized-throwable` (Java serialization) has no meaning here.
    public struct FailureCause: Codable, Sendable, Equatable {
        public var exceptionClass: String
        public var stackTrace: String
        enum CodingKeys: String, CodingKey { case exceptionClass = "class", stackTrace = "stack-trace" }
    }
    public var status: Status
    public var operation: Operation?

    public init(_ op: SavepointOperation) {
        switch op.status {
        case .inProgress:
            status = Status(id: "IN_PROGRESS")
            operation = nil
        case .completed(let location):
            status = Status(id: "COMPLETED")
            operation = Operation(location: location)
        case .failed(let message):
            status = Status(id: "COMPLETED")
            let name = if case .rescale = op.purpose { "RescalingException" } else { "CheckpointException" }
            operation = Operation(failureCause: FailureCause(exceptionClass: "org.apache.flink.runtime.checkpoint.\(name)",
                                                             stackTrace: "\(name): \(message)"))
        }
    }

    public var isCompleted: Bool { status.id == "COMPLETED" }

    /// A disposal: done, or its failure.
    public init(disposalFailure: String?) {
        status = Status(id: "COMPLETED")
        operation = Operation(failureCause: disposalFailure.map {
            FailureCause(exceptionClass: "org.apache.flink.runtime.rest.handler.RestHandlerException", stackTrace: $0)
        })
    }
}
