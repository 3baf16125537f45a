import Dataflow
import Hummingbird

/// The JobManager's REST API: every endpoint type bound to its handler (the handlers, by area, are in the
/// `RESTAPI+…` files). Flink-compatible: the real `flink` CLI and dashboard read these answers.
public struct RESTAPI: Sendable {
    public let jobManager: JobManager
    /// The JobManager process's figures for `/jobmanager/metrics`.
    let processStatistics = ProcessStatisticsSampler()
    /// The Flink version we answer as: the REST API level we mirror.
    public static let flinkVersion = "2.3.0"
    public static let revision = "dataflow"

    public init(jobManager: JobManager) {
        self.jobManager = jobManager
    }

    /// A router with every route under `/` and `/v1/`, and Flink's error body for what matches none.
    public func buildRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: FlinkErrorMiddleware())
        let routes = RESTRouteTable(router: router)
        addClusterRoutes(to: routes)
        addJobRoutes(to: routes)
        addSavepointRoutes(to: routes)
        addJobVertexRoutes(to: routes)
        addTaskManagerRoutes(to: routes)
        addJarRoutes(to: routes)
        addDashboardRoutes(to: router)
        return router
    }

    /// The job, or Flink's 404.
    func job(_ id: JobID) throws(RESTError) -> JobSnapshot {
        guard let job = jobManager.job(id) else { throw .notFound("Job \(id) not found") }
        return job
    }

    /// The job and the index of one of its vertices, or a 404.
    func vertex(_ p: VertexPath) throws(RESTError) -> (JobSnapshot, Int) {
        let job = try job(p.jobID)
        guard let v = job.vertexIndex(p.vertexID) else { throw .notFound("Vertex \(p.vertexID) not found in job \(p.jobID)") }
        return (job, v)
    }
}
