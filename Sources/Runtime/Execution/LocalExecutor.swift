import Dataflow
import Foundation

/// Flink's job states (the ones a local run passes through).
public enum JobStatus: String, Sendable, Codable {
    case created = "CREATED", running = "RUNNING", finished = "FINISHED", cancelling = "CANCELLING"
    case canceled = "CANCELED", failing = "FAILING", failed = "FAILED"
    public var isTerminal: Bool { self == .finished || self == .canceled || self == .failed }
}

/// How a job ended, with every stage's metrics summed over its subtasks.
public struct JobResult: Sendable {
    public let jobID: JobID
    public let status: JobStatus
    /// The first failure, naming the stage and subtask.
    public let failure: String?
    public let durationMillis: Int64
    /// Stage name → metric name → value (summed over subtasks; watermarks: the minimum).
    public let stageMetrics: [String: [String: Int64]]

    public func metric(_ stage: String, _ name: String) -> Int64 { stageMetrics[stage]?[name] ?? 0 }

    public init(jobID: JobID, status: JobStatus, failure: String?, durationMillis: Int64, stageMetrics: [String: [String: Int64]]) {
        self.jobID = jobID; self.status = status; self.failure = failure; self.durationMillis = durationMillis; self.stageMetrics = stageMetrics
    }
}

/// The metrics of one stage's subtask.
public struct SubtaskMetrics: Sendable, Codable {
    public let stage: String
    public let vertex: Int
    public let subtask: Int
    public let values: [String: Int64]

    public init(stage: String, vertex: Int, subtask: Int, values: [String: Int64]) {
        self.stage = stage; self.vertex = vertex; self.subtask = subtask; self.values = values
    }
}

/// A running job: its graph, state, metrics, and the threads of its subtasks.
public final class JobExecution: @unchecked Sendable {
    public let jobID: JobID
    public let graph: JobGraph
    /// Slots in use: as many as the widest vertex; subtask i of every vertex shares slot i.
    public let slots: Int
    private let lock = NSCondition()
    private var _status: JobStatus = .created
    private var failure: String?
    private var remaining = 0
    private var cancelled = false
    private var startNanos: UInt64 = 0
    private var endNanos: UInt64 = 0
    private var runners: [SubtaskRunner] = []
    private var closeGates: [() -> Void] = []
    private let metricGroups: [[MetricGroup]]   // [node][subtask]
    private var stop: StopMode?
    private var states: [SubtaskState] = []
    /// [vertex][subtask]; nil for subtasks that run on another TaskManager.
    private var statuses: [[SubtaskStatus?]]

    /// Which subtasks run in this process (all of them, unless the job spans TaskManagers).
    private let isLocal: @Sendable (_ vertex: Int, _ subtask: Int) -> Bool
    private var onEnd: (() -> Void)?
    /// Subtasks that have ended, or that the cancellation watchdog gave up on: each is counted once.
    private var ended: Set<ObjectIdentifier> = []
    private var watchdogStarted = false
    private let cancellationTimeoutMillis: Int64
    private let cancellationIntervalMillis: Int64
    private var _warn: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    /// Where the cancellation watchdog reports subtasks that do not end (stderr unless a TaskManager logs them).
    public var cancellationWarnings: @Sendable (String) -> Void {
        get { lock.lock(); defer { lock.unlock() }; return _warn }
        set { lock.lock(); _warn = newValue; lock.unlock() }
    }

    init(jobID: JobID, graph: JobGraph, configuration: DataflowConfiguration = DataflowConfiguration(),
         isLocal: @escaping @Sendable (Int, Int) -> Bool = { _, _ in true }) {
        self.jobID = jobID
        self.graph = graph
        self.isLocal = isLocal
        cancellationTimeoutMillis = configuration.taskCancellationTimeoutMillis
        cancellationIntervalMillis = configuration.taskCancellationIntervalMillis
        slots = graph.vertices.map(\.parallelism).max() ?? 1
        metricGroups = graph.stream.nodes.map { n in (0..<graph.parallelism[n.id]).map { _ in MetricGroup() } }
        let now = Self.epochMillis()
        statuses = graph.vertices.enumerated().map { v, vertex in
            (0..<vertex.parallelism).map { i in
                isLocal(v, i) ? SubtaskStatus(vertex: v, subtask: i, state: .deploying, timestamps: [SubtaskExecutionState.deploying.rawValue: now]) : nil
            }
        }
    }

    private static func epochMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The execution state of every subtask running here.
    public func subtaskStatuses() -> [SubtaskStatus] {
        lock.lock(); defer { lock.unlock() }
        return statuses.flatMap { $0.compactMap { $0 } }
    }

    func subtask(_ runner: SubtaskRunner, entered state: SubtaskExecutionState) {
        lock.lock(); defer { lock.unlock() }
        setStatus(runner, state)
    }

    /// Under the lock; a subtask's terminal state is final.
    private func setStatus(_ runner: SubtaskRunner, _ state: SubtaskExecutionState) {
        guard let current = statuses[runner.vertex][runner.subtask], !current.state.isTerminal else { return }
        statuses[runner.vertex][runner.subtask] = current.entering(state, at: Self.epochMillis())
    }

    /// Under the lock: every subtask still going is being cancelled.
    private func markCanceling() {
        let now = Self.epochMillis()
        for v in statuses.indices {
            for i in statuses[v].indices {
                if let s = statuses[v][i], !s.state.isTerminal, s.state != .canceling { statuses[v][i] = s.entering(.canceling, at: now) }
            }
        }
    }

    func metrics(node: Int, subtask: Int) -> MetricGroup { metricGroups[node][subtask] }

    func install(runners: [SubtaskRunner], closeGates: [() -> Void], onEnd: (() -> Void)? = nil) {
        self.runners = runners
        self.closeGates = closeGates
        self.onEnd = onEnd
        remaining = runners.count
    }

    /// Fails the job from outside its subtasks (a broken network channel): the first failure is kept, every
    /// subtask is stopped.
    public func fail(_ reason: String) {
        lock.lock()
        guard !_status.isTerminal, !cancelled else { lock.unlock(); return }
        failure = reason
        _status = .failing
        cancelled = true
        markCanceling()
        startWatchdog()
        lock.unlock()
        interruptSubtasks()
    }

    /// Wakes every subtask that may be waiting: blocked exchanges unwind, sources stop waiting for input.
    private func interruptSubtasks() {
        for close in closeGates { close() }
        lock.lock()
        let sources = runners.compactMap { $0.operators.first?.source }
        lock.unlock()
        for source in sources { source.cancel() }
    }

    func start() {
        lock.lock()
        _status = .running
        startNanos = DispatchTime.now().uptimeNanoseconds
        lock.unlock()
        for runner in runners {
            let name = "slot-\(runner.subtask) \(runner.name)"
            let thread = Thread {
                Thread.current.name = name   // on Linux the name reaches the OS thread only from inside it
                runner.run()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    public var status: JobStatus { lock.lock(); defer { lock.unlock() }; return _status }
    var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }

    /// Stops every subtask promptly: sources stop polling, blocked exchanges wake up and unwind.
    public func cancel() {
        lock.lock()
        guard !_status.isTerminal, !cancelled else { lock.unlock(); return }
        cancelled = true
        _status = .cancelling
        markCanceling()
        startWatchdog()
        lock.unlock()
        interruptSubtasks()
    }

    /// Under the lock, once the job is being cancelled: Flink's task cancellation watchdog. A subtask still running
    /// `task.cancellation.interval` after the cancel is logged (again at every interval); at
    /// `task.cancellation.timeout` the TaskManager gives up on it — it counts as canceled, its gates are closed, its
    /// thread is left behind (nothing can stop a thread stuck in code that ignores the cancel) — so the job ends
    /// and its slots are free for other jobs.
    private func startWatchdog() {
        guard !watchdogStarted, cancellationTimeoutMillis > 0 || cancellationIntervalMillis > 0 else { return }
        watchdogStarted = true
        let t = Thread { [self] in watchCancellation() }
        t.name = "cancel-watchdog \(jobID)"
        t.start()
    }

    private func watchCancellation() {
        let start = DispatchTime.now().uptimeNanoseconds
        let timeout = cancellationTimeoutMillis > 0 ? cancellationTimeoutMillis : .max
        let interval = cancellationIntervalMillis > 0 ? cancellationIntervalMillis : .max
        var nextLog = interval
        lock.lock()
        while !_status.isTerminal && remaining > 0 {
            let elapsed = Int64((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
            let stuck = runners.filter { !ended.contains(ObjectIdentifier($0)) }
            let names = stuck.map { "\($0.name) (\($0.subtask + 1)/\(graph.vertices[$0.vertex].parallelism))" }.joined(separator: ", ")
            let warn = _warn
            if elapsed >= timeout {
                var endJob: (() -> Void)?
                for runner in stuck {
                    setStatus(runner, .canceled)
                    if let e = countEnded(runner) { endJob = e }
                }
                lock.unlock()
                warn("job \(jobID): task.cancellation.timeout (\(timeout) ms) passed and \(names) did not end after the cancel: "
                    + "given up on (counted as canceled; its thread is left behind)")
                endJob?()
                return
            }
            if elapsed >= nextLog {
                nextLog = elapsed + interval
                lock.unlock()
                warn("job \(jobID): \(names) still running \(elapsed) ms after the cancel (task.cancellation.timeout: \(timeout) ms)")
                lock.lock()
                continue
            }
            let wait = min(nextLog, timeout) - elapsed
            _ = lock.wait(until: Date().addingTimeInterval(Double(min(wait, 3_600_000)) / 1000))
        }
        lock.unlock()
    }

    /// How a job stops for a savepoint (Flink's stop-with-savepoint).
    public enum StopMode: String, Sendable, Codable {
        /// Sources stop where they are; the state is kept, nothing fires (`flink stop`).
        case suspend
        /// Sources end as if their input had: the watermark reaches the end of time, windows fire (`flink stop --drain`).
        case drain
    }

    /// Stops the job for a savepoint: sources stop, everything before that point is processed, and every subtask
    /// snapshots its state as it ends (`subtaskStates()` once the job has finished). False when the job is not running.
    @discardableResult
    public func stopWithSavepoint(_ mode: StopMode) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard _status == .running || _status == .created, !cancelled, stop == nil else { return false }
        stop = mode
        return true
    }

    /// The stop requested, if any (read by sources between polls).
    var stopRequest: StopMode? { lock.lock(); defer { lock.unlock() }; return stop }

    /// The local subtasks' states at the savepoint (complete once the job has ended after `stopWithSavepoint`;
    /// before that, or without a stop, only source subtasks that ended on their own have reported).
    public func subtaskStates() -> [SubtaskState] { lock.lock(); defer { lock.unlock() }; return states }

    func subtaskFinished(_ runner: SubtaskRunner, states: [SubtaskState]) {
        lock.lock()
        self.states += states
        // One that returns after a cancel reached it was stopped, not finished.
        setStatus(runner, cancelled ? .canceled : .finished)
        lock.unlock()
        done(runner)
    }

    func subtaskFailed(_ runner: SubtaskRunner, _ error: Error) {
        lock.lock()
        let first = failure == nil && !(error is CancelledError) && !cancelled
        if first {
            failure = "\(runner.name) (\(runner.subtask + 1)/\(graph.vertices[runner.vertex].parallelism)) failed: \(error)"
            _status = .failing
        }
        // The subtask that failed is FAILED; those stopped because of it (or a cancel) are CANCELED, as in Flink.
        setStatus(runner, first ? .failed : .canceled)
        let alreadyCancelled = cancelled
        cancelled = true
        markCanceling()
        startWatchdog()
        lock.unlock()
        if !alreadyCancelled { interruptSubtasks() }
        done(runner)
    }

    private func done(_ runner: SubtaskRunner) {
        lock.lock()
        let end = countEnded(runner)
        lock.unlock()
        end?()
    }

    /// Under the lock: `runner` has ended (once; a subtask given up on may end later). Returns the job's end
    /// action when it was the last.
    private func countEnded(_ runner: SubtaskRunner) -> (() -> Void)? {
        guard ended.insert(ObjectIdentifier(runner)).inserted else { return nil }
        remaining -= 1
        guard remaining == 0 else { return nil }
        let end = onEnd
        onEnd = nil
        runners = []   // breaks the runner ↔ execution cycle
        endNanos = DispatchTime.now().uptimeNanoseconds
        _status = failure != nil ? .failed : (cancelled ? .canceled : .finished)
        lock.broadcast()
        return end
    }

    /// Blocks until every subtask has ended.
    public func waitForCompletion() -> JobResult {
        lock.lock()
        while !_status.isTerminal { lock.wait() }
        lock.unlock()
        return result()
    }

    /// Waits without blocking a Swift concurrency thread.
    public func completion() async -> JobResult {
        await withCheckedContinuation { (c: CheckedContinuation<JobResult, Never>) in
            let t = Thread { c.resume(returning: self.waitForCompletion()) }
            t.start()
        }
    }

    public var elapsedMillis: Int64 {
        lock.lock(); defer { lock.unlock() }
        guard startNanos > 0 else { return 0 }
        let end = endNanos > 0 ? endNanos : DispatchTime.now().uptimeNanoseconds
        return Int64((end - startNanos) / 1_000_000)
    }

    public func subtaskMetrics() -> [SubtaskMetrics] {
        var out: [SubtaskMetrics] = []
        for n in graph.stream.nodes {
            for (i, g) in metricGroups[n.id].enumerated() where isLocal(graph.vertexOf[n.id], i) {
                out.append(SubtaskMetrics(stage: n.name, vertex: graph.vertexOf[n.id], subtask: i, values: g.snapshot()))
            }
        }
        return out
    }

    public func stageMetrics() -> [String: [String: Int64]] {
        var out: [String: [String: Int64]] = [:]
        for m in subtaskMetrics() {
            for (k, v) in m.values {
                if k.hasSuffix("Watermark") {
                    // A stage's watermark is its slowest subtask's.
                    out[m.stage, default: [:]][k] = min(out[m.stage]?[k] ?? .max, v)
                } else {
                    out[m.stage, default: [:]][k, default: 0] &+= v
                }
            }
        }
        return out
    }

    public func result() -> JobResult {
        lock.lock()
        let status = _status, failure = failure
        lock.unlock()
        return JobResult(jobID: jobID, status: status, failure: failure, durationMillis: elapsedMillis, stageMetrics: stageMetrics())
    }
}

/// Runs jobs inside this process: every subtask on its own thread, exchanges through bounded in-memory gates.
public final class LocalExecutor: Sendable {
    public let configuration: DataflowConfiguration
    public let clock: ProcessingClock

    public init(configuration: DataflowConfiguration = DataflowConfiguration(), clock: ProcessingClock = SystemClock()) {
        self.configuration = configuration
        self.clock = clock
    }

    /// Builds every subtask and starts the job, restoring a savepoint's state if given.
    public func submit(_ job: Job, parallelism: Int? = nil, restore: SavepointRestore? = nil) throws -> JobExecution {
        let graph = try JobGraph(job: job, configuration: configuration, parallelism: parallelism)
        try Self.validateSideOutputs(graph)
        // Slot sharing: subtask i of every vertex shares slot i, so a job needs as many slots as its widest vertex.
        let needed = graph.vertices.map(\.parallelism).max() ?? 1
        guard needed <= configuration.taskSlots else {
            throw JobDefinitionError("job '\(job.name)' needs \(needed) task slots but the local TaskManager offers "
                + "\(configuration.taskSlots) (set -D taskmanager.numberOfTaskSlots=\(needed), or lower the parallelism)")
        }
        return try deploy(graph, jobID: .random(), placement: nil, restore: restore)
    }

    /// Builds and starts the subtasks of `graph` that `placement` puts on this TaskManager (all of them without a
    /// placement). Exchanges between two local subtasks go through in-memory gates; exchanges with a subtask on
    /// another TaskManager go through `placement.network` with credit-based flow control.
    public func deploy(_ graph: JobGraph, jobID: JobID, placement: SubtaskPlacement?, restore: SavepointRestore? = nil) throws -> JobExecution {
        try Self.validateSideOutputs(graph)
        try restore?.savepoint.validate(against: graph, allowNonRestoredState: restore?.allowNonRestoredState ?? false)
        if let placement, placement.spansTaskManagers { try WireCodecCheck.validate(graph) }
        let isLocal: @Sendable (Int) -> Bool = { subtask in placement?.isLocal(subtask) ?? true }
        let execution = JobExecution(jobID: jobID, graph: graph, configuration: configuration, isLocal: { _, subtask in isLocal(subtask) })
        let attempt = placement?.attempt ?? 0

        // Gates of every local consumer subtask, and each input edge's first channel.
        var gates = [[AnyObject?]](repeating: [], count: graph.vertices.count)
        var channelOffset = [Int](repeating: 0, count: graph.edges.count)
        var inbound: [(ChannelKey, InboundChannel)] = []
        for (v, vertex) in graph.vertices.enumerated() {
            var channels = 0
            for (i, e) in graph.edges.enumerated() where e.consumerVertex == v {
                channelOffset[i] = channels
                channels += graph.vertices[e.producerVertex].parallelism
            }
            guard channels > 0 else { continue }
            let capacity = max(2, channels * configuration.buffersPerChannel)
            gates[v] = try (0..<vertex.parallelism).map { (j: Int) -> AnyObject? in
                guard isLocal(j) else { return nil }
                // Network channels of this gate: (edge, producer) pairs whose producer runs elsewhere.
                var remoteChannels: [(edge: Int, producer: Int)] = []
                for (k, e) in graph.edges.enumerated() where e.consumerVertex == v {
                    for p in 0..<graph.vertices[e.producerVertex].parallelism where !isLocal(p) && Self.feeds(e, producer: p, consumer: j) {
                        remoteChannels.append((k, p))
                    }
                }
                let spec = graph.node(vertex.head).spec
                let gate = makeGate(for: spec, channels: channels, capacity: capacity,
                                    networkReserve: remoteChannels.count * configuration.buffersPerChannel)
                for (k, p) in remoteChannels {
                    guard let placement, let network = placement.network else {
                        throw JobDefinitionError("subtask \(p) runs on another TaskManager but there is no network")
                    }
                    let key = ChannelKey(jobID: jobID, attempt: attempt, edge: k, producer: p, consumer: j)
                    let peer = placement.owner(of: p)
                    let channel = try makeInboundChannel(for: spec, gate: gate, channel: channelOffset[k] + p, key: key, peer: peer,
                                                         network: network, fail: { [weak execution] reason in execution?.fail(reason) })
                    inbound.append((key, channel))
                }
                return gate
            }
        }

        var runners: [SubtaskRunner] = []
        for (v, vertex) in graph.vertices.enumerated() {
            for i in 0..<vertex.parallelism where isLocal(i) {
                let pts = ProcessingTimeService(clock: clock)
                let mailbox = Mailbox()
                if !gates[v].isEmpty, let gate = gates[v][i] as? GateClosing {
                    mailbox.onPost = { [unowned(unsafe) gate] in gate.poke() }
                }
                var constructed: [Int: ConstructedOperator] = [:]
                var flushables: [Flushable] = []
                let timeAccount = TaskTimeAccount(metrics: execution.metrics(node: vertex.head, subtask: i))
                for nodeID in vertex.nodes.reversed() {
                    let node = graph.node(nodeID)
                    var outputs: [String?: [AnyObject]] = [:]
                    for (consumer, edge) in graph.chainedOutputs[nodeID] {
                        outputs[edge.port, default: []].append(constructed[consumer]!.input!)
                    }
                    for (k, e) in graph.edges.enumerated() where e.producerNode == nodeID {
                        var builder = PartitionerConstructor(strategy: e.strategy, producerSubtask: i, gates: gates[e.consumerVertex],
                                                             channelOffset: channelOffset[k], bufferSize: configuration.bufferSize,
                                                             maxParallelism: graph.maxParallelism, account: timeAccount)
                        if let placement, let network = placement.network {
                            builder.remote = .init(network: network, channel: { j in
                                (ChannelKey(jobID: jobID, attempt: attempt, edge: k, producer: i, consumer: j), placement.owner(of: j))
                            }, isCancelled: { [weak execution] in execution?.isCancelled ?? true })
                        }
                        let (partitioner, flushable) = try e.streamEdge.exchange.accept(builder)
                        outputs[e.streamEdge.port, default: []].append(partitioner)
                        flushables.append(flushable)
                    }
                    constructed[nodeID] = try node.spec.accept(OperatorConstructor(
                        node: node, subtask: i, parallelism: vertex.parallelism, maxParallelism: graph.maxParallelism,
                        outputs: outputs, metrics: execution.metrics(node: nodeID, subtask: i), processingTime: pts,
                        mailbox: mailbox, isCancelled: { [weak execution] in execution?.isCancelled ?? true }))
                }
                if let savepoint = restore?.savepoint {
                    for nodeID in vertex.nodes {
                        let name = graph.node(nodeID).name
                        guard let state = savepoint.state(of: name, subtask: i, parallelism: vertex.parallelism) else { continue }
                        do {
                            try constructed[nodeID]!.restore(state)
                        } catch {
                            throw StateSnapshotError("restoring '\(name)' (\(i + 1)/\(vertex.parallelism)) from the savepoint: \(error)")
                        }
                    }
                }
                let head = constructed[vertex.head]!
                let input: InputDriving? = head.source == nil
                    ? makeGateDriver(for: graph.node(vertex.head).spec, gate: gates[v][i]!, head: head.input!) : nil
                runners.append(SubtaskRunner(vertex: v, subtask: i, name: graph.name(of: v), operators: vertex.nodes.map { constructed[$0]! },
                                             flushables: flushables, input: input, processingTime: pts, mailbox: mailbox,
                                             configuration: configuration, execution: execution, timeAccount: timeAccount))
            }
        }
        let closers: [() -> Void] = gates.flatMap { $0 }.compactMap { $0 }.map { gate in { (gate as! GateClosing).closeGate() } }
        let network = placement?.network
        execution.install(runners: runners, closeGates: closers, onEnd: { network?.release(jobID: jobID, attempt: attempt) })
        // Channels are registered (and their credits announced) only once the gates exist and the job can fail.
        for (key, channel) in inbound { network?.registerInbound(key, channel, initialCredits: configuration.buffersPerChannel) }
        execution.start()
        return execution
    }

    /// Whether producer subtask `p` can send to consumer subtask `j` along `e` (a forward edge pairs equal indices).
    static func feeds(_ e: JobGraph.Edge, producer p: Int, consumer j: Int) -> Bool {
        e.strategy == .forward ? p == j : true
    }

    /// Runs a job to its end.
    public func run(_ job: Job, parallelism: Int? = nil) async throws -> JobResult {
        try await submit(job, parallelism: parallelism).completion()
    }

    static func validateSideOutputs(_ graph: JobGraph) throws {
        var seen: Set<String> = []
        for n in graph.stream.nodes {
            for e in n.inputs {
                guard let port = e.port else { continue }
                guard seen.insert("\(e.source)/\(port)").inserted else {
                    throw JobDefinitionError("side output '\(port)' of '\(graph.node(e.source).name)' is consumed twice; fork inside one branch instead")
                }
            }
        }
    }
}

protocol GateClosing: AnyObject, Sendable {
    func closeGate()
    func poke()
}
extension InputGate: GateClosing { func closeGate() { close() } }

func makeGateDriver<S: OperatorSpec>(for spec: S, gate: AnyObject, head: AnyObject) -> InputDriving {
    GateDriver(gate: gate as! InputGate<S.Input>, head: head as! Output<S.Input>)
}
