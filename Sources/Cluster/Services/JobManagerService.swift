import ServiceLifecycle

/// The JobManager as a service: nothing to do while the cluster runs; on graceful shutdown (SIGTERM, Ctrl-C) it
/// cancels the jobs that still run and waits until they have stopped.
public struct JobManagerService: Service {
    public let jobManager: JobManager

    public init(jobManager: JobManager) { self.jobManager = jobManager }

    public func run() async throws {
        try? await gracefulShutdown()
        await jobManager.cancelAll()
    }
}
