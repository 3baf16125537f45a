import Dataflow
import Foundation
import KafkaConnector
import Runtime
import Testing

/// A Tansu broker of the test's own (in memory, on a private port), so that stopping it disturbs nobody else.
final class PrivateBroker {
    let port: Int
    var servers: String { "127.0.0.1:\(port)" }
    private let binary: String
    private var process: Foundation.Process?

    init() throws {
        guard let bin = ProcessInfo.processInfo.environment["TANSU_BIN"], FileManager.default.isExecutableFile(atPath: bin) else {
            throw TestFailure("TANSU_BIN is not set: run `eval \"$(scripts/servers.sh env)\"` after `scripts/servers.sh start kafka`")
        }
        binary = bin
        port = 59_300 + Int.random(in: 0..<500)
    }

    func start() throws {
        let p = Foundation.Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["broker", "--listener-url", "tcp://\(servers)", "--advertised-listener-url", "tcp://\(servers)"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if (try? KafkaAdmin(bootstrapServers: servers, timeout: .milliseconds(500))) != nil { return }
        }
        throw TestFailure("private Tansu on \(servers) did not start")
    }

    /// SIGKILL (Tansu does not stop on SIGTERM), then a bounded wait: `waitUntilExit` can spin on Linux.
    func stop() {
        guard let p = process else { return }
        process = nil
        kill(p.processIdentifier, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(5)
        while p.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
    }

    /// SIGSTOP / SIGCONT: the broker keeps its connections open and answers nothing (a stalled broker).
    func signal(_ sig: Int32) { if let p = process { kill(p.processIdentifier, sig) } }

    deinit { stop() }
}

extension KafkaTests {
    @Test("a broker lost mid-run: the job keeps running, librdkafka reconnects, reading resumes")
    func brokerLostMidRun() async throws {
        _ = try Broker.admin()   // the version check
        let broker = try PrivateBroker()
        try broker.start()
        defer { broker.stop() }
        let topic = "lost"
        try KafkaAdmin(bootstrapServers: broker.servers).createTopic(topic, partitions: 1)
        func send(_ ids: Range<Int>) throws {
            let producer = try KafkaProducer(options: KafkaSinkOptions(bootstrapServers: broker.servers, topic: topic))
            try producer.connect()
            for i in ids { try producer.send(KafkaProducerRecord(value: Event(id: Int64(i), key: "k").bytes, partition: 0)) }
            try producer.flush()
            try producer.close(timeout: .seconds(5))
        }
        try send(0..<5)

        let sink = CollectingSink<Received>()
        let source = KafkaSource(topic: topic, bootstrapServers: broker.servers, deserializer: ReceivedDeserializer())
        let job = try Job("broker-loss") {
            Source("kafka", source)
            Sink("out", sink)
        }
        try await withRunningJob(job) { execution in
            #expect(try await eventually(.seconds(15)) { sink.count == 5 })
            broker.stop()
            try await Task.sleep(for: .seconds(2))
            #expect(execution.status == .running, "a lost broker does not fail the source")

            // Tansu keeps its log in memory: it comes back empty and the topic must be created again. It does not
            // report the reader's position (5) as out of range, so reading resumes at offset 5: ids 105… (on Kafka,
            // an out-of-range position resets to the earliest offset, auto.offset.reset=earliest).
            try broker.start()
            try KafkaAdmin(bootstrapServers: broker.servers).createTopic(topic, partitions: 1)
            try send(100..<110)
            let resumed = try await eventually(.seconds(40)) { sink.values.last?.id == 109 }
            #expect(resumed, "after the broker came back: \(sink.values.map(\.id))")
            let ids = sink.values.map(\.id)
            #expect(Array(ids.prefix(5)) == [0, 1, 2, 3, 4])
            #expect(ids.dropFirst(5).elementsEqual((110 - Int64(ids.count - 5))..<110), "\(ids)")
            #expect(execution.status == .running)
        }
    }
}
