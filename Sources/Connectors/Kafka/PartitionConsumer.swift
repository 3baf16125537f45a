import CRdKafka
import Dataflow
import Foundation
import Synchronization

/// The record-type-independent half of a Kafka source reader: one librdkafka consumer with the partitions this
/// reader owns assigned manually (no group subscription, so no rebalances and no JoinGroup wait), batch
/// consumption, per-partition offsets and end offsets, commits, partition discovery and lag.
///
/// Non-generic on purpose: the per-message checks (`admit`, `advance`) compile once, specialised, and the
/// generic reader only adds decoding and emitting.
final class PartitionConsumer {
    let options: KafkaSourceOptions
    let topic: String
    let subtask: Int
    let parallelism: Int
    let context: KafkaClientContext
    private(set) var handle: KafkaHandle?
    private var rk: OpaquePointer!
    private var queue: OpaquePointer?
    private var commitQueue: OpaquePointer?
    private let topicC: UnsafeMutablePointer<CChar>
    private let maxMessageBytes: Int

    private var states: UnsafeMutablePointer<PartitionState>
    private var capacity: Int
    /// Partitions of the topic known so far (0..<partitionCount).
    private(set) var partitionCount = 0
    private(set) var ownedPartitions: [Int] = []
    /// From a savepoint: the next offset per partition, which overrides the starting offsets.
    var restoredOffsets: [Int: Int64] = [:]
    private var finishedCount = 0
    /// Splits assigned but not yet announced to the output (the output exists only inside `poll`).
    private var unannouncedSplits: [Int] = []

    private var discovery: PartitionDiscovery?
    /// The job is being cancelled (set from another thread): no waiting for a broker, no final commit.
    private let cancelRequested = Atomic<Bool>(false)
    var isCancelled: Bool { cancelRequested.load(ordering: .relaxed) }
    func cancel() { cancelRequested.store(true, ordering: .relaxed) }
    private let commits: Bool
    private var nextCommit: UInt64 = 0
    private var nextLagUpdate: UInt64 = 0
    private var pendingCommits = 0

    /// The buffer `rd_kafka_consume_batch_queue` fills; allocated once.
    let batch: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    let batchCapacity = 4096

    // Metrics (Flink's names where they exist).
    private var pendingRecords: Gauge?
    private var bytesIn: Counter?
    private var commitsSucceeded: Counter?
    private var commitsFailed: Counter?
    private var assignedPartitions: Gauge?

    init(options: KafkaSourceOptions, subtask: Int, parallelism: Int) {
        self.options = options
        topic = options.topic
        self.subtask = subtask
        self.parallelism = parallelism
        context = KafkaClientContext(name: "Kafka source '\(options.topic)' (\(subtask + 1)/\(parallelism))",
                                     bootstrapServers: options.bootstrapServers)
        topicC = strdup(options.topic)
        maxMessageBytes = options.maxMessageBytes
        capacity = 64
        states = .allocate(capacity: capacity)
        states.initialize(repeating: PartitionState(), count: capacity)
        batch = .allocate(capacity: batchCapacity)
        commits = options.commitOffsets && options.groupId != nil
    }

    deinit {
        close()
        free(topicC)
        states.deinitialize(count: capacity)
        states.deallocate()
        batch.deallocate()
    }

    func attach(metrics: MetricGroup) {
        pendingRecords = metrics.gauge("pendingRecords")
        bytesIn = metrics.counter("numBytesIn")
        commitsSucceeded = metrics.counter("commitsSucceeded")
        commitsFailed = metrics.counter("commitsFailed")
        assignedPartitions = metrics.gauge("assignedPartitions")
    }

    // MARK: - Start

    func open() throws {
        let settings: [(String, String)] = [
            ("bootstrap.servers", options.bootstrapServers),
            // Manual assignment needs a group only to commit to; without one a private name keeps librdkafka happy.
            ("group.id", options.groupId ?? "dataflow-\(topic)-\(UUID().uuidString.prefix(8))"),
            ("client.id", "dataflow-source-\(topic)-\(subtask)"),
            ("enable.auto.commit", "false"),          // we commit what was handed on, not what was fetched
            ("enable.auto.offset.store", "false"),
            ("enable.partition.eof", "true"),         // end offsets and bounded ends (see `resolve`)
            ("auto.offset.reset", "earliest"),        // a committed offset that fell out of retention
            // Replays read far behind the head: large fetches and a deep prefetch queue keep the reader busy
            // instead of waiting on one 1 MB round trip after another (`properties` can lower them).
            ("max.partition.fetch.bytes", "16777216"),
            ("fetch.max.bytes", "67108864"),
            ("queued.min.messages", "1000000"),
        ] + (try passthrough(options.properties, managed: KafkaSourceOptions.managedKeys, client: context.name))
        let handle = try KafkaHandle(type: RD_KAFKA_CONSUMER, settings: settings, context: context)
        self.handle = handle
        rk = handle.rk
        // One queue for messages, errors and callbacks: the reader's thread serves them all.
        let err = rd_kafka_poll_set_consumer(rk)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError("\(context.name): \(errorText(err))") }
        queue = rd_kafka_queue_get_consumer(rk)
        commitQueue = rd_kafka_queue_new(rk)

        let count = try handle.waitForTopic(topic, timeout: options.startupTimeout, isCancelled: { [unowned self] in isCancelled })
        let discovers = !options.bounded && options.partitionDiscoveryInterval != nil
        if count == nil {
            guard discovers else {
                throw KafkaError("\(context.name): topic '\(topic)' does not exist at \(options.bootstrapServers)")
            }
            KafkaLog.write("\(context.name): topic '\(topic)' does not exist yet; looking for it every "
                + "\(options.partitionDiscoveryInterval!.milliseconds) ms")
        }
        try addPartitions(upTo: count ?? 0, startingAt: options.startingOffsets, initial: true)
        if discovers, let interval = options.partitionDiscoveryInterval {
            let d = PartitionDiscovery(handle: handle, topic: topic, interval: interval)
            d.start()
            discovery = d
        }
        let now = nowMillis()
        nextCommit = now + UInt64(options.commitInterval.milliseconds)
        nextLagUpdate = now
    }

    /// Takes on the partitions `partitionCount..<count` this reader owns, starting them at `start`.
    private func addPartitions(upTo count: Int, startingAt start: StartingOffsets, initial: Bool) throws {
        guard count > partitionCount else {
            if initial { try assign(TopicPartitionList(capacity: 0), initial: true) }
            return
        }
        grow(to: count)
        let mine = KafkaPartitionAssigner.partitions(of: subtask, readers: parallelism, topic: topic,
                                                      in: partitionCount..<count)
        partitionCount = count
        guard !mine.isEmpty || initial else { return }
        var starts = try startOffsets(mine.filter { restoredOffsets[$0] == nil }, start)
        for p in mine { if let o = restoredOffsets[p] { starts[p] = o; states[p].next = o } }
        let list = TopicPartitionList(capacity: mine.count)
        for p in mine {
            states[p].owned = true
            list.add(topic, p, offset: starts[p]!)
        }
        try assign(list, initial: initial)
        ownedPartitions += mine
        unannouncedSplits += mine
        assignedPartitions?.set(Int64(ownedPartitions.count))
        if !initial { KafkaLog.write("\(context.name): discovered partitions \(mine) of '\(topic)'") }
    }

    private func assign(_ list: TopicPartitionList, initial: Bool) throws {
        if initial {
            let err = rd_kafka_assign(rk, list.list)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError("\(context.name): assign failed: \(errorText(err))") }
            return
        }
        if let error = rd_kafka_incremental_assign(rk, list.list) {
            let text = String(cString: rd_kafka_error_string(error))
            rd_kafka_error_destroy(error)
            throw KafkaError("\(context.name): could not assign new partitions: \(text)")
        }
    }

    /// The offset (or librdkafka's logical offset) each partition starts at, as `start` says.
    private func startOffsets(_ partitions: [Int], _ start: StartingOffsets) throws -> [Int: Int64] {
        var out: [Int: Int64] = [:]
        guard !partitions.isEmpty else { return out }
        switch start {
        case .earliest:
            for p in partitions { out[p] = Int64(RD_KAFKA_OFFSET_BEGINNING) }
        case .latest:
            for p in partitions {
                out[p] = Int64(RD_KAFKA_OFFSET_END)
                states[p].startsAtFetchedEnd = true
            }
        case .timestamp(let time):
            let list = TopicPartitionList(capacity: partitions.count)
            for p in partitions { list.add(topic, p, offset: time) }
            let err = rd_kafka_offsets_for_times(rk, list.list, options.startupTimeout.millisInt32)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError("\(context.name): could not look up offsets for time \(time) at "
                    + "\(options.bootstrapServers): \(errorText(err))")
            }
            for i in 0..<list.count {
                let e = list[i]
                let p = Int(e.partition)
                guard e.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError("\(context.name): could not look up the offset for time \(time) in partition \(p): "
                        + errorText(e.err))
                }
                if e.offset >= 0 {
                    out[p] = e.offset
                    // Brokers may answer with an earlier offset than the first matching one (Tansu answers 0);
                    // skipping until the first message at or after `time` gives Kafka's result either way.
                    states[p].skipBefore = time
                } else {
                    out[p] = Int64(RD_KAFKA_OFFSET_END)   // no message that late yet: from the end
                    states[p].startsAtFetchedEnd = true
                }
            }
        case .committed(let fallback):
            guard let group = options.groupId else {
                throw KafkaError("\(context.name): starting offsets .committed need a groupId")
            }
            let list = TopicPartitionList(capacity: partitions.count)
            for p in partitions { list.add(topic, p, offset: Int64(RD_KAFKA_OFFSET_INVALID)) }
            let err = rd_kafka_committed(rk, list.list, options.startupTimeout.millisInt32)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError("\(context.name): could not read the committed offsets of group '\(group)' from "
                    + "\(options.bootstrapServers): \(errorText(err))")
            }
            var without: [Int] = []
            for i in 0..<list.count {
                let e = list[i]
                if e.err == RD_KAFKA_RESP_ERR_NO_ERROR, e.offset >= 0 {
                    out[Int(e.partition)] = e.offset
                    states[Int(e.partition)].committed = e.offset
                } else {
                    without.append(Int(e.partition))
                }
            }
            for (p, o) in try startOffsets(without, fallback) { out[p] = o }
        }
        return out
    }

    private func grow(to count: Int) {
        guard count > capacity else { return }
        let newCapacity = max(count, capacity * 2)
        let fresh = UnsafeMutablePointer<PartitionState>.allocate(capacity: newCapacity)
        fresh.moveInitialize(from: states, count: capacity)
        (fresh + capacity).initialize(repeating: PartitionState(), count: newCapacity - capacity)
        states.deallocate()
        states = fresh
        capacity = newCapacity
    }

    /// The partitions assigned since the last call, for the reader to announce as splits.
    /// For a savepoint: the next offset of every owned partition that has a known position (one not read from yet
    /// and not restored starts again at the configured starting offsets).
    var positions: [SplitPosition] {
        ownedPartitions.compactMap { p in
            let next = states[p].next >= 0 ? states[p].next : restoredOffsets[p]
            return next.map { SplitPosition(split: p, offset: $0) }
        }
    }

    func takeUnannouncedSplits() -> [Int] {
        defer { unannouncedSplits.removeAll() }
        return unannouncedSplits
    }

    // MARK: - Polling

    /// Bounded and every owned partition at its end.
    var isFinished: Bool { options.bounded && finishedCount == ownedPartitions.count }

    /// The end of a bounded run: final lag (zero) and a commit confirmed by the broker.
    func finishBounded() {
        updateLag()
        commitAndWait(timeout: options.startupTimeout)
    }

    /// Between batches: fatal errors, commit results, periodic commits, discovered partitions, lag.
    func maintain() throws {
        if let fatal = context.fatalError { throw KafkaError("\(context.name): \(fatal)") }
        serveCommitResults(wait: 0)
        let now = nowMillis()
        if now >= nextCommit {
            nextCommit = now + UInt64(options.commitInterval.milliseconds)
            commit()
        }
        if let count = discovery?.partitionCount, count > partitionCount {
            // Flink starts partitions discovered later at the earliest offset: nothing in them is missed.
            try addPartitions(upTo: count, startingAt: .earliest, initial: false)
        }
        if now >= nextLagUpdate {
            nextLagUpdate = now + 1000
            updateLag()
        }
    }

    /// Fills `batch` with up to `max` messages; returns how many. When nothing is queued it waits up to
    /// `idleWaitMillis` for the first message to arrive — woken by the arrival, unlike a sleep — so that the reader
    /// keeps up with fetch responses that come in bursts.
    @inline(__always)
    func receive(max: Int) -> Int {
        let size = Swift.min(max, batchCapacity)
        var n = rd_kafka_consume_batch_queue(queue, 0, batch, size)
        if n <= 0 {
            // A batch call with a timeout waits for a *full* batch: wait for one message, then take what is there.
            n = rd_kafka_consume_batch_queue(queue, idleWaitMillis, batch, 1)
            if n == 1, size > 1 { n += Swift.max(0, rd_kafka_consume_batch_queue(queue, 0, batch + 1, size - 1)) }
        }
        return n > 0 ? n : 0
    }

    /// How long `receive` waits on an empty queue: short, because the runtime's loop also runs timers and
    /// idleness between polls.
    private let idleWaitMillis: Int32 = 5

    /// Gives the first `n` messages of `batch` back to librdkafka.
    @inline(__always)
    func release(_ n: Int) {
        for i in 0..<n { rd_kafka_message_destroy(batch[i]) }
    }

    enum Admission {
        /// Decode and emit it, then `advance`.
        case record
        /// Not a record (skipped, an end-of-partition event, an error): nothing to emit. `finished`: the
        /// partition just reached its end.
        case skip(finished: Bool)
        /// Larger than `maxMessageBytes`: a dead letter, then `advance`.
        case oversized
    }

    /// What to do with one message of the batch. The common case — an owned, live partition, in range, no skipping —
    /// is a handful of loads and compares.
    @inline(__always)
    func admit(_ m: UnsafePointer<rd_kafka_message_t>) -> Admission {
        guard m.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else { return event(m) }
        let p = Int(m.pointee.partition)
        guard p >= 0, p < capacity else { return .skip(finished: false) }
        let s = states + p
        guard s.pointee.owned, !s.pointee.finished else { return .skip(finished: false) }
        if !s.pointee.resolved { resolve(p, fetchedEnd: nil) }
        let offset = m.pointee.offset
        if offset >= s.pointee.stop { return .skip(finished: finish(p)) }
        if offset < s.pointee.skipBelow { return .skip(finished: advance(p, offset)) }
        if s.pointee.skipBefore != .min {
            if rd_kafka_message_timestamp(m, nil) < s.pointee.skipBefore { return .skip(finished: advance(p, offset)) }
            s.pointee.skipBefore = .min
        }
        if m.pointee.len > maxMessageBytes { return .oversized }
        return .record
    }

    /// Marks `offset` of `partition` as handed on; true when that made the (bounded) partition finish.
    /// `next` follows the consumer's actual position, also backwards: after an offset reset (a truncated or
    /// re-created log) the records at lower offsets are new data, and the next commit must say so.
    @inline(__always)
    func advance(_ partition: Int, _ offset: Int64) -> Bool {
        let s = states + partition
        s.pointee.next = offset + 1
        return s.pointee.next >= s.pointee.stop ? finish(partition) : false
    }

    /// An error or end-of-partition event in the message stream.
    private func event(_ m: UnsafePointer<rd_kafka_message_t>) -> Admission {
        let err = m.pointee.err
        let p = Int(m.pointee.partition)
        if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
            guard p >= 0, p < capacity, states[p].owned, !states[p].finished else { return .skip(finished: false) }
            // The consumer reached the end: offset = that fetch's high watermark, everything before it is consumed.
            let end = m.pointee.offset
            if !states[p].resolved { resolve(p, fetchedEnd: end) }
            states[p].next = end
            return .skip(finished: states[p].next >= states[p].stop ? finish(p) : false)
        }
        let text = String(cString: rd_kafka_message_errstr(m))
        context.clientError(err, "partition \(p): \(text)")
        return .skip(finished: false)
    }

    /// The first fetch of a partition answered: its end offset at that moment is now known.
    ///
    /// Why the fetch and not ListOffsets: Tansu answers ListOffsets(latest) with the base offset of the last record
    /// batch + 1 rather than the log end (so `.latest` would re-deliver the tail of the last batch, and a bounded
    /// read would stop inside it), while its fetch responses carry the true high watermark. On Apache Kafka both
    /// agree; the only difference is that records produced between the reader's start and its first fetch
    /// (milliseconds) count as present at the start.
    /// `fetchedEnd` nil: take it from librdkafka's cache of the fetch response that brought the first message.
    private func resolve(_ p: Int, fetchedEnd: Int64?) {
        states[p].resolved = true
        guard options.bounded || states[p].startsAtFetchedEnd else { return }
        let end = fetchedEnd ?? cachedHighWatermark(p)
        guard end >= 0 else { return }
        if states[p].startsAtFetchedEnd { states[p].skipBelow = end }
        if options.bounded { states[p].stop = end }
    }

    /// The high watermark librdkafka cached from the latest fetch response of `p` (no request).
    private func cachedHighWatermark(_ p: Int) -> Int64 {
        var low: Int64 = -1, high: Int64 = -1
        rd_kafka_get_watermark_offsets(rk, topicC, Int32(p), &low, &high)
        if high < 0 {
            rd_kafka_query_watermark_offsets(rk, topicC, Int32(p), &low, &high, options.startupTimeout.millisInt32)
        }
        return high
    }

    private func finish(_ p: Int) -> Bool {
        guard !states[p].finished else { return false }
        states[p].finished = true
        finishedCount += 1
        // Stop fetching what will not be read.
        let list = TopicPartitionList(capacity: 1)
        list.add(topic, p, offset: 0)
        rd_kafka_pause_partitions(rk, list.list)
        return true
    }

    func countBytes(_ n: Int) { bytesIn?.add(n) }

    /// A message that cannot become a record, with where it came from.
    func deadLetter(_ m: UnsafePointer<rd_kafka_message_t>, reason: String) -> DeadLetter {
        let value = UnsafeRawBufferPointer(start: m.pointee.payload, count: Swift.min(m.pointee.len, 1024))
        return DeadLetter(origin: "\(topic)/\(m.pointee.partition)", position: m.pointee.offset, reason: reason,
                          raw: String(decoding: value, as: UTF8.self))
    }

    func oversizedReason(_ m: UnsafePointer<rd_kafka_message_t>) -> String {
        "message of \(m.pointee.len) bytes is larger than maxMessageBytes (\(maxMessageBytes))"
    }

    // MARK: - Lag and commits

    /// `pendingRecords`: how far behind the high watermarks this reader is, from librdkafka's cached watermarks.
    private func updateLag() {
        var pending: Int64 = 0
        for p in ownedPartitions where !states[p].finished {
            var low: Int64 = -1, high: Int64 = -1
            rd_kafka_get_watermark_offsets(rk, topicC, Int32(p), &low, &high)
            guard high >= 0 else { continue }
            let position = states[p].next >= 0 ? states[p].next : low
            if position >= 0 { pending += Swift.max(0, high - position) }
        }
        pendingRecords?.set(pending)
    }

    /// Commits the next offset of every partition that moved since the last commit, asynchronously; the result
    /// arrives on `commitQueue`.
    private func commit() {
        guard commits, let commitQueue else { return }
        let list = TopicPartitionList(capacity: ownedPartitions.count)
        for p in ownedPartitions where states[p].next >= 0 && states[p].next != states[p].committed {
            list.add(topic, p, offset: states[p].next)
        }
        guard list.count > 0 else { return }
        let err = rd_kafka_commit_queue(rk, list.list, commitQueue, nil, nil)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            commitsFailed?.increment()
            context.clientError(err, "offset commit failed: \(errorText(err))")
            return
        }
        pendingCommits += 1
        for i in 0..<list.count { states[Int(list[i].partition)].committed = list[i].offset }
    }

    /// Counts commit results; waits up to `wait` ms for outstanding ones.
    private func serveCommitResults(wait: Int) {
        guard let commitQueue, pendingCommits > 0 else { return }
        let deadline = nowMillis() + UInt64(wait)
        while pendingCommits > 0 {
            let remaining = Int32(clamping: Int64(deadline) - Int64(nowMillis()))
            guard let ev = rd_kafka_queue_poll(commitQueue, Swift.max(0, remaining)) else { return }
            defer { rd_kafka_event_destroy(ev) }
            guard rd_kafka_event_type(ev) == RD_KAFKA_EVENT_OFFSET_COMMIT else { continue }
            pendingCommits -= 1
            let err = rd_kafka_event_error(ev)
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                commitsSucceeded?.increment()
            } else {
                commitsFailed?.increment()
                // Offsets are retried with the next commit: forget what we thought was committed.
                for p in ownedPartitions { states[p].committed = -1 }
                context.clientError(err, "offset commit failed: \(errorText(err))")
            }
        }
    }

    /// Commits and waits for the answer (end of a bounded run, close). A failure is logged and counted: the
    /// records are not lost, a restart from `.committed` reads them again.
    func commitAndWait(timeout: Duration) {
        commit()
        serveCommitResults(wait: Int(timeout.milliseconds))
        if pendingCommits > 0 {
            KafkaLog.write("\(context.name): offset commit not confirmed within \(timeout.milliseconds) ms")
        }
    }

    // MARK: - Close

    func close() {
        guard let handle else { return }
        discovery?.stop()
        discovery = nil
        // Bounded by a few seconds: a close after the broker went away must not hang the job's shutdown. A cancel
        // commits nothing (as Flink's): the broker may be the reason for it, and the cancel must not wait on it.
        if context.fatalError == nil, !isCancelled { commitAndWait(timeout: min(options.startupTimeout, .seconds(5))) }
        if let queue { rd_kafka_queue_destroy(queue) }
        if let commitQueue { rd_kafka_queue_destroy(commitQueue) }
        queue = nil
        commitQueue = nil
        rd_kafka_consumer_close(handle.rk)
        self.handle = nil   // the last reference: rd_kafka_destroy
        rk = nil
    }

    private func nowMillis() -> UInt64 { DispatchTime.now().uptimeNanoseconds / 1_000_000 }
}
