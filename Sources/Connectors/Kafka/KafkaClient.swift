import CRdKafka
import Dataflow
import Foundation
import Synchronization

/// The librdkafka actually loaded at run time — which is not necessarily the one compiled against: we build with
/// Debian's 2.0.2 headers and run with 2.16 (Debian's 2.0.2 cannot talk to Tansu; see README).
public enum Librdkafka {
    /// For example "2.16.0".
    public static var version: String { String(cString: rd_kafka_version_str()) }
    /// `0xMMmmrrpp`: 2.16.0 is `0x021000ff`.
    public static var versionNumber: Int { Int(rd_kafka_version()) }
    /// The oldest librdkafka known to work against our broker (Tansu) and in these tests.
    public static let minimumTestedVersion = 0x0210_0000

    private static let logged = Atomic<Bool>(false)
    /// Writes the loaded version to stderr once per process, so that a wrong `LD_LIBRARY_PATH` is visible.
    static func logVersionOnce() {
        if logged.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
            KafkaLog.write("librdkafka \(version) loaded (headers \(String(RD_KAFKA_VERSION, radix: 16)))")
            if versionNumber < 0x0208_0000 {
                // Debian's 2.0.2 cannot talk to the local broker (Tansu): its ApiVersion handshake fails.
                KafkaLog.write("librdkafka \(version) is older than 2.8 and fails against Tansu; "
                    + "for the local servers run: eval \"$(scripts/servers.sh env)\" (LD_LIBRARY_PATH to librdkafka 2.16)")
            }
        }
    }
}

/// Every error of the connector: a sentence naming the topic, the servers or the setting involved.
public struct KafkaError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Diagnostics go to stderr, one line each, like librdkafka's own log.
enum KafkaLog {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data("kafka: \(line)\n".utf8))
    }
}

/// `rd_kafka_err2str` as a Swift string.
func errorText(_ err: rd_kafka_resp_err_t) -> String { String(cString: rd_kafka_err2str(err)) }

/// A librdkafka client handle. librdkafka's handles are thread-safe, which is what makes this `Sendable`.
final class KafkaHandle: @unchecked Sendable {
    let rk: OpaquePointer
    /// Owns what the C callbacks reach through the opaque pointer: it must outlive `rk`.
    let context: KafkaClientContext

    /// Creates a client from `settings` (applied in order, later ones win); on failure the message names the
    /// offending setting.
    init(type: rd_kafka_type_t, settings: [(String, String)], context: KafkaClientContext,
         configure: (OpaquePointer) -> Void = { _ in }) throws {
        Librdkafka.logVersionOnce()
        guard let conf = rd_kafka_conf_new() else { throw KafkaError("\(context.name): rd_kafka_conf_new failed") }
        var errstr = [CChar](repeating: 0, count: 512)
        for (key, value) in settings {
            if rd_kafka_conf_set(conf, key, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError("\(context.name): invalid librdkafka setting \(key)=\(value): \(cString(errstr))")
            }
        }
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        // Errors (all brokers down, authentication, fatal) arrive here; librdkafka keeps reconnecting by itself.
        rd_kafka_conf_set_error_cb(conf) { rk, err, reason, opaque in
            guard let opaque else { return }
            let context = Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
            var text = reason.map { String(cString: $0) } ?? errorText(rd_kafka_resp_err_t(err))
            if rd_kafka_resp_err_t(err) == RD_KAFKA_RESP_ERR__FATAL, let rk {
                var buf = [CChar](repeating: 0, count: 512)
                let code = rd_kafka_fatal_error(rk, &buf, buf.count)
                text = "fatal: \(cString(buf)) (\(errorText(code)))"
            }
            context.clientError(rd_kafka_resp_err_t(err), text)
        }
        configure(conf)
        self.context = context
        guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)   // rd_kafka_new takes the conf only on success
            throw KafkaError("\(context.name): cannot create the Kafka client: \(cString(errstr))")
        }
        self.rk = rk
    }

    deinit { rd_kafka_destroy(rk) }

    /// Waits until a broker answers a metadata request for `topic`, or fails after `timeout` with an error that
    /// names the bootstrap servers and librdkafka's last complaint (e.g. "Connection refused").
    /// Returns the topic's partition count, or nil when the broker does not know the topic.
    /// `isCancelled` is asked between metadata requests, each at most a second: a cancel ends the wait.
    func waitForTopic(_ topic: String, timeout: Duration, isCancelled: () -> Bool = { false }) throws -> Int? {
        let deadline = ContinuousClock.now + timeout
        var lastError = ""
        while true {
            if isCancelled() { throw KafkaError("\(context.name): cancelled while waiting for topic '\(topic)'") }
            let remaining = max(0, (deadline - ContinuousClock.now).milliseconds)
            switch topicPartitionCount(topic, timeoutMillis: Int32(clamping: min(max(remaining, 1), 1000))) {
            case .success(let count): return count
            case .failure(let error): lastError = error.description
            }
            if ContinuousClock.now >= deadline {
                let detail = context.lastError ?? lastError
                throw KafkaError("\(context.name): no Kafka broker reachable at \(context.bootstrapServers) within "
                    + "\(timeout.milliseconds) ms (last error: \(detail))")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// One metadata request for `topic`: its partition count, nil when the topic does not exist.
    func topicPartitionCount(_ topic: String, timeoutMillis: Int32) -> Result<Int?, KafkaError> {
        guard let rkt = rd_kafka_topic_new(rk, topic, nil) else {
            return .failure(KafkaError("cannot create a topic handle for '\(topic)'"))
        }
        defer { rd_kafka_topic_destroy(rkt) }
        var md: UnsafePointer<rd_kafka_metadata_t>?
        let err = rd_kafka_metadata(rk, 0, rkt, &md, timeoutMillis)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let md else { return .failure(KafkaError(errorText(err))) }
        defer { rd_kafka_metadata_destroy(md) }
        for i in 0..<Int(md.pointee.topic_cnt) {
            let t = md.pointee.topics[i]
            guard String(cString: t.topic) == topic else { continue }
            if t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART { return .success(nil) }
            if t.err != RD_KAFKA_RESP_ERR_NO_ERROR { return .failure(KafkaError("topic '\(topic)': \(errorText(t.err))")) }
            return .success(Int(t.partition_cnt))
        }
        return .success(nil)
    }
}

/// What librdkafka's callbacks report, reachable from C through the opaque pointer; shared across threads.
final class KafkaClientContext: Sendable {
    /// "Kafka source 'topic' (1/4)": how errors and log lines name this client.
    let name: String
    let bootstrapServers: String
    private struct State {
        var lastError: String?
        var fatal: String?
        var lastLogged: [Int32: ContinuousClock.Instant] = [:]
    }
    private let state = Mutex(State())
    let errorCount = Atomic<Int>(0)

    // Delivery reports (producer): counted on the thread that polls the producer.
    let delivered = Atomic<Int>(0)
    let failedDeliveries = Atomic<Int>(0)
    private let firstDeliveryFailure = Mutex<String?>(nil)

    init(name: String, bootstrapServers: String) {
        self.name = name
        self.bootstrapServers = bootstrapServers
    }

    var lastError: String? { state.withLock { $0.lastError } }
    var fatalError: String? { state.withLock { $0.fatal } }

    func clientError(_ err: rd_kafka_resp_err_t, _ text: String) {
        errorCount.add(1, ordering: .relaxed)
        let now = ContinuousClock.now
        let log = state.withLock { s -> Bool in
            s.lastError = text
            if err == RD_KAFKA_RESP_ERR__FATAL { s.fatal = text }
            // The same error repeats on every reconnect attempt: one line per kind every 10 s is enough.
            if let last = s.lastLogged[err.rawValue], now - last < .seconds(10) { return false }
            s.lastLogged[err.rawValue] = now
            return true
        }
        if log { KafkaLog.write("\(name): \(text) [\(errorText(err))]") }
    }

    func deliveryFailed(_ text: String) {
        failedDeliveries.add(1, ordering: .relaxed)
        firstDeliveryFailure.withLock { if $0 == nil { $0 = text } }
    }
    var firstFailure: String? { firstDeliveryFailure.withLock { $0 } }
}

/// A C string buffer (librdkafka's `errstr`) as a Swift string.
func cString(_ buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// A `rd_kafka_topic_partition_list_t` built from Swift and destroyed with the value.
final class TopicPartitionList {
    let list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    init(capacity: Int) { list = rd_kafka_topic_partition_list_new(Int32(max(1, capacity))) }
    deinit { rd_kafka_topic_partition_list_destroy(list) }

    @discardableResult
    func add(_ topic: String, _ partition: Int, offset: Int64) -> UnsafeMutablePointer<rd_kafka_topic_partition_t> {
        let e = rd_kafka_topic_partition_list_add(list, topic, Int32(partition))!
        e.pointee.offset = offset
        return e
    }
    var count: Int { Int(list.pointee.cnt) }
    subscript(i: Int) -> rd_kafka_topic_partition_t { list.pointee.elems[i] }
}

extension Duration {
    var millisInt32: Int32 { Int32(clamping: milliseconds) }
}
