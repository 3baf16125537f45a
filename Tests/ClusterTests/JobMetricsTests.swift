@testable import Cluster
import Dataflow
import Runtime
import Testing

@Suite("Job metrics as Flink reports them")
struct JobMetricsTests {
    @Test("before the first watermark a task reports Long.MIN_VALUE; a source task reports none")
    func noWatermarkYet() throws {
        let graph = try JobGraph(job: try TestJobs.endless(name: "endless"), configuration: DataflowConfiguration(), parallelism: 2)
        let metrics = JobMetrics(graph: graph, subtaskMetrics: [])
        let source = try #require(graph.vertices.firstIndex { graph.node($0.head).kind == .source })
        let windows = try #require(graph.vertices.firstIndex { graph.node($0.head).name == "counts" })
        #expect(metrics.inputWatermark(vertex: source, subtask: 0) == nil)
        let mark = try #require(metrics.inputWatermark(vertex: windows, subtask: 1))
        #expect(mark == Int64.min)
        // The dashboard treats any value ≤ -9223372036854776000 as "no watermark".
        #expect(MetricValue(id: "1.currentInputWatermark", number: Double(mark)).value == "-9223372036854775808")
        #expect(MetricValue(id: "x", number: Double(Int64.max)).value == "9223372036854775807")
    }

    @Test("counters print as integers, rates as doubles, as Flink's values")
    func valueText() {
        #expect(MetricValue(id: "0.numRecordsIn", number: 7456132).value == "7456132")
        #expect(MetricValue(id: "0.numRecordsInPerSecond", number: 0).value == "0.0")
        #expect(MetricValue(id: "0.numRecordsInPerSecond", number: 106501.65).value == "106501.65")
    }

    @Test("aggregates: Flink's skew and Commons Math percentiles")
    func aggregates() {
        // The numbers of flink-rest-samples/jobs_JOBID_vertices_v1*.json.
        let agg = AggregatedMetric(id: "numRecordsIn", values: [6307149, 7456132])
        #expect(agg.min == 6307149 && agg.max == 7456132 && agg.sum == 13763281 && agg.avg == 6881640.5)
        #expect(abs((agg.skew ?? 0) - 8.348176572141483) < 1e-9)
        let stats = AggregatedStatistics([744084, 689583])
        #expect([stats.p25, stats.min, stats.avg, stats.median, stats.max, stats.sum, stats.p95, stats.p75]
            == [689583, 689583, 716833, 716833, 744084, 1433667, 744084, 744084])
    }

    @Test("an exchange's total is split over the producer's subtasks and still adds up")
    func split() {
        #expect(JobMetrics.split(10, by: [1, 1, 2]) == [2, 2, 6])
        #expect(JobMetrics.split(7, by: [0, 0]) == [3, 4])
        #expect(JobMetrics.split(5, by: [9]) == [5])
    }
}
