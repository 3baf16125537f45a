// Handlers of the savepoint, stop and rescaling endpoints.

import Dataflow

extension RESTAPI {
    func addSavepointRoutes(to routes: RESTRouteTable) {
        let jm = jobManager
        routes.add(SavepointTriggerHeaders.self) { p, body in
            let purpose: SavepointPurpose = body.cancelJob == true ? .stop : .keepRunning
            return TriggerResponse(requestID: try Self.trigger { () throws(SavepointTriggerError) in
                try jm.triggerSavepoint(p.jobID, purpose: purpose, targetDirectory: body.targetDirectory)
            })
        }
        routes.add(StopWithSavepointTriggerHeaders.self) { p, body in
            TriggerResponse(requestID: try Self.trigger { () throws(SavepointTriggerError) in
                try jm.triggerSavepoint(p.jobID, purpose: .stop, targetDirectory: body.targetDirectory, drain: body.drain ?? false)
            })
        }
        routes.add(RescalingTriggerHeaders.self) { p, _ in
            TriggerResponse(requestID: try Self.trigger { () throws(SavepointTriggerError) in
                try jm.triggerSavepoint(p.jobID, purpose: .rescale(p.parallelism), targetDirectory: nil)
            })
        }
        routes.add(SavepointDisposalTriggerHeaders.self) { _, body in
            TriggerResponse(requestID: jm.disposeSavepoint(body.savepointPath))
        }
        routes.add(SavepointDisposalStatusHeaders.self) { p, _ in
            guard let outcome = jm.disposal(p.triggerID) else { throw RESTError.notFound("There is no savepoint disposal \(p.triggerID)") }
            return AsynchronousOperationResult(disposalFailure: outcome)
        }
        routes.add(SavepointStatusHeaders.self) { p, _ in try Self.status(jm, p) }
        routes.add(RescalingStatusHeaders.self) { p, _ in try Self.status(jm, p) }
        routes.add(CheckpointingStatisticsHeaders.self) { p, _ in
            guard let stats = jm.savepointStatistics(of: p.jobID) else { throw RESTError.notFound("Job \(p.jobID) not found") }
            return CheckpointingStatistics(stats)
        }
        routes.add(CheckpointConfigHeaders.self) { p, _ in
            guard jm.job(p.jobID) != nil else { throw RESTError.notFound("Job \(p.jobID) not found") }
            return CheckpointConfigInfo()
        }
    }

    private static func trigger(_ body: () throws(SavepointTriggerError) -> TriggerID) throws(RESTError) -> TriggerID {
        do {
            return try body()
        } catch {
            switch error {
            case .unknownJob(let id): throw .notFound("Job \(id) not found")
            case .conflict(let m): throw .conflict(m)
            case .invalid(let m): throw .badRequest(m)
            }
        }
    }

    private static func status(_ jm: JobManager, _ p: JobTriggerPath) throws(RESTError) -> AsynchronousOperationResult {
        guard let op = jm.operation(p.triggerID, of: p.jobID) else {
            throw .notFound("There is no operation \(p.triggerID) for job \(p.jobID)")
        }
        return AsynchronousOperationResult(op)
    }
}
