import Dataflow
import Foundation
import KafkaConnector
import Runtime
import Testing

/// Cancel while the broker answers nothing: the job reaches CANCELED within 2 s (no final commit is awaited, no
/// metadata wait outlives the cancel by more than a request of at most a second).
extension KafkaTests {
    /// Cancels, then waits up to 40 s (past every Kafka timeout involved) so that a hang fails rather than blocks.
    func cancelTime(_ execution: JobExecution) async throws -> Duration {
        let start = ContinuousClock.now
        execution.cancel()
        while !execution.status.isTerminal && ContinuousClock.now - start < .seconds(40) { try await Task.sleep(for: .milliseconds(5)) }
        return ContinuousClock.now - start
    }

    @Test("cancel while the broker is stalled (SIGSTOP) mid-run reaches CANCELED within 2 s")
    func cancelStalledBroker() async throws {
        _ = try Broker.admin()   // the version check
        let broker = try PrivateBroker()
        try broker.start()
        defer { broker.signal(SIGCONT); broker.stop() }
        let topic = "stalled"
        try KafkaAdmin(bootstrapServers: broker.servers).createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(options: KafkaSinkOptions(bootstrapServers: broker.servers, topic: topic))
        try producer.connect()
        for i in 0..<5 { try producer.send(KafkaProducerRecord(value: Event(id: Int64(i), key: "k").bytes, partition: 0)) }
        try producer.flush()
        try producer.close(timeout: .seconds(5))

        let sink = CollectingSink<Received>()
        // With a group: the close after a run would commit, and wait for the broker's answer.
        let source = KafkaSource(topic: topic, bootstrapServers: broker.servers, groupId: "stalled-\(UUID().uuidString.prefix(6))",
                                 deserializer: ReceivedDeserializer())
        let execution = try LocalExecutor().submit(try Job("stalled-broker") { Source("kafka", source); Sink("out", sink) }, parallelism: 1)
        #expect(try await eventually(.seconds(15)) { sink.count == 5 })
        broker.signal(SIGSTOP)
        let elapsed = try await cancelTime(execution)
        broker.signal(SIGCONT)
        #expect(execution.status == .canceled)
        #expect(elapsed < .seconds(2), "cancel took \(elapsed)")
        _ = await execution.completion()
    }

    @Test("cancel while the bootstrap server accepts and never answers (the source is opening) reaches CANCELED within 2 s")
    func cancelSilentBootstrap() async throws {
        _ = try Broker.admin()   // the version check
        let silent = try SilentBootstrap()
        let source = KafkaSource(topic: "never", bootstrapServers: "127.0.0.1:\(silent.port)", deserializer: ReceivedDeserializer())
        let execution = try LocalExecutor().submit(try Job("silent-broker") { Source("kafka", source); Sink("out", CollectingSink<Received>()) },
                                                   parallelism: 1)
        // Event: the subtask is inside the source's open (waiting for metadata).
        #expect(try await eventually(.seconds(15)) { execution.subtaskStatuses().contains { $0.state == .initializing } })
        try await Task.sleep(for: .milliseconds(300))   // into the metadata wait
        let elapsed = try await cancelTime(execution)
        #expect(execution.status == .canceled, "\(execution.result().failure ?? "")")
        #expect(elapsed < .seconds(2), "cancel took \(elapsed)")
    }
}

/// A loopback port whose connections complete (the kernel's backlog) and are never answered.
final class SilentBootstrap {
    let port: Int
    private let fd: Int32
    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
        guard ok, listen(fd, 64) == 0 else { throw TestFailure("listener: \(String(cString: strerror(errno)))") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: sa.sin_port))
    }
    deinit { close(fd) }
}
