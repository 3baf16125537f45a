import Dataflow
import Foundation

/// What `RedisSink` writes for one record: `SET key value [PX ttl]`.
public struct RedisSinkEntry: Sendable {
    public var key: String
    public var value: [UInt8]
    /// Overrides the sink's TTL for this record; nil: the sink's.
    public var ttl: Duration?

    public init(key: String, value: any RedisArgument, ttl: Duration? = nil) {
        self.key = key
        self.value = value.redisBytes
        self.ttl = ttl
    }
}

/// A sink that SETs one key per record, optionally with a TTL (e.g. a channel's "live" key refreshed on every
/// poll). Records are pipelined in batches: a batch goes out when full, on every tick (so a quiet stream's last
/// records are not held back) and at the end of input. Each subtask has its own connection.
///
/// A rejected SET or a connection that cannot be re-established fails the job with an error naming the key or
/// `host:port`. Keys written twice (after a reconnect) are harmless: SET is idempotent.
public struct RedisSink<Record>: SinkConnector {
    public struct Options: Sendable, Equatable {
        /// Expiry of every key; nil: keys do not expire (unless the entry sets one).
        public var ttl: Duration?
        /// Commands per pipelined batch.
        public var batchSize: Int
        /// How often (processing time) a partial batch is sent.
        public var flushInterval: Duration

        public init(ttl: Duration? = nil, batchSize: Int = 500, flushInterval: Duration = .milliseconds(100)) {
            self.ttl = ttl
            self.batchSize = batchSize
            self.flushInterval = flushInterval
        }
    }

    public let configuration: RedisConfiguration
    public let options: Options
    private let entry: @Sendable (Record) -> RedisSinkEntry

    public init(configuration: RedisConfiguration, options: Options = Options(),
                entry: @escaping @Sendable (Record) -> RedisSinkEntry) {
        self.configuration = configuration
        self.options = options
        self.entry = entry
    }

    public var description: String {
        "Redis SET \(configuration)" + (options.ttl.map { " ttl \($0)" } ?? "")
    }

    public func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<Record> {
        RedisSinkWriter(client: RedisClient(configuration: configuration), options: options, entry: entry)
    }
}

final class RedisSinkWriter<Record>: SinkWriter {
    private let client: RedisClient
    private let options: RedisSink<Record>.Options
    private let entry: (Record) -> RedisSinkEntry
    private var pending: [RedisCommand] = []

    init(client: RedisClient, options: RedisSink<Record>.Options, entry: @escaping (Record) -> RedisSinkEntry) {
        self.client = client
        self.options = options
        self.entry = entry
        pending.reserveCapacity(max(1, options.batchSize))
    }

    /// Connects at open, so an unreachable server fails the job before the first record.
    func open() throws { try client.connect() }

    func write(_ value: Record, timestamp: Timestamp) throws {
        let e = entry(value)
        pending.append(RedisClient.setCommand(e.key, e.value, expiry: e.ttl ?? options.ttl))
        if pending.count >= options.batchSize { try send() }
    }

    var tickInterval: Int64? { max(1, options.flushInterval.redisMilliseconds) }
    func tick(now: Timestamp) throws { try send() }
    func flush() throws { try send() }
    func close() throws { client.close() }

    private func send() throws {
        guard !pending.isEmpty else { return }
        let replies = try client.pipeline(pending)
        let failed = zip(pending, replies).filter { $0.1.isError }
        if let (command, reply) = failed.first {
            throw RedisError(.server, "Redis at \(client.configuration.endpoint) rejected \(command)"
                + (failed.count > 1 ? " and \(failed.count - 1) more of \(pending.count)" : "") + ": \(reply)")
        }
        pending.removeAll(keepingCapacity: true)
    }
}
