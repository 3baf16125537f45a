import Testing
@testable import Runtime

@Suite("Parallelism precedence: -p over the job's own setting over parallelism.default (Flink's order)")
struct ParallelismPrecedenceTests {
    @Test("each level wins over the ones below it", arguments: [
        // (-p, jobs.yaml, parallelism.default / FLINK_PARALLELISM) → effective
        (4, 2, 1, 4), (nil, 2, 4, 2), (nil, nil, 4, 4), (3, nil, 4, 3), (1, 8, 8, 1),
    ] as [(Int?, Int?, Int, Int)])
    func precedence(_ commandLine: Int?, _ job: Int?, _ clusterDefault: Int, _ expected: Int) {
        #expect(ParallelismPrecedence.effective(commandLine: commandLine, job: job, clusterDefault: clusterDefault) == expected)
    }

    @Test("without -p or a job setting the cluster decides (nil goes to the JobManager)")
    func requested() {
        #expect(ParallelismPrecedence.requested(commandLine: nil, job: nil) == nil)
        #expect(ParallelismPrecedence.requested(commandLine: nil, job: 2) == 2)
        #expect(ParallelismPrecedence.requested(commandLine: 4, job: 2) == 4)
    }
}
