import Dataflow
import Foundation

/// Reads a subtask's input gate and pushes each element into the head of its chain — the mailbox loop:
/// records, watermarks, timers and flushes all happen on this one thread.
protocol InputDriving: AnyObject {
    func run(_ runner: SubtaskRunner) throws
}

final class GateDriver<T>: InputDriving {
    private let gate: InputGate<T>
    private let head: Output<T>
    private var valve: WatermarkValve

    init(gate: InputGate<T>, head: Output<T>) {
        self.gate = gate; self.head = head
        valve = WatermarkValve(channels: gate.channelCount)
    }

    @inline(__always)
    private func apply(_ change: WatermarkValve.Change) throws {
        if let idle = change.idle { try head.emitIdle(idle) }
        if let wm = change.watermark { try head.emitWatermark(wm) }
    }

    private func control(_ mark: ControlMark, _ channel: Int) throws {
        switch mark.kind {
        case .watermark: try apply(valve.watermark(mark.watermark, channel: channel))
        case .idle: try apply(valve.setIdle(true, channel: channel))
        case .active: try apply(valve.setIdle(false, channel: channel))
        case .end: try apply(valve.end(channel: channel))
        case .suspend: valve.suspend(channel: channel)
        }
    }

    func run(_ runner: SubtaskRunner) throws {
        var lastFlush = runner.nowMillis()
        while !valve.allEnded {
            var deadline = lastFlush + runner.bufferTimeout
            if let t = runner.processingTime.nextTime { deadline = min(deadline, t) }
            if let batch = try gate.take(until: Date(timeIntervalSince1970: Double(deadline) / 1000), consumer: runner.timeAccount) {
                let ch = batch.channel
                var c = 0
                let controls = batch.controls
                for i in 0..<batch.timestamps.count {
                    while c < controls.count && controls[c].position == i { try control(controls[c], ch); c += 1 }
                    if let idle = valve.recordArrived(channel: ch) { try head.emitIdle(idle) }
                    try head.emit(batch.values[i], timestamp: batch.timestamps[i])
                }
                while c < controls.count { try control(controls[c], ch); c += 1 }
            }
            try runner.mailbox.drain()
            try runner.processingTime.fireDue()
            let now = runner.nowMillis()
            // Flush when the input has run dry (low latency) or the buffer timeout passed (bounded latency).
            if now - lastFlush >= runner.bufferTimeout || gate.queuedBatches == 0 {
                try runner.flushOutputs()
                lastFlush = now
            }
            runner.timeAccount.mark()
        }
        if valve.suspendedCount > 0 {
            // Stopping for a savepoint: what came before the marks is processed; nothing fires at an end of time.
            try runner.suspend()
        } else {
            try head.finish()
            try runner.flushOutputs()
        }
    }
}

/// One parallel instance of a vertex: its chain of operators, their outputs, and the loop that drives them.
final class SubtaskRunner: @unchecked Sendable {
    let vertex: Int
    let subtask: Int
    let name: String
    let operators: [ConstructedOperator]
    let flushables: [Flushable]
    let input: InputDriving?
    let processingTime: ProcessingTimeService
    let mailbox: Mailbox
    let bufferTimeout: Int64
    let sourceBatchSize: Int
    let idlePollMillis: Int64
    /// Strong: a subtask still unwinding after a cancel keeps its job alive; the job drops its runners at the end.
    let execution: JobExecution
    /// Busy, idle and backpressured time of this subtask's thread (Flink's task time metrics).
    let timeAccount: TaskTimeAccount

    init(vertex: Int, subtask: Int, name: String, operators: [ConstructedOperator], flushables: [Flushable], input: InputDriving?,
         processingTime: ProcessingTimeService, mailbox: Mailbox, configuration: DataflowConfiguration, execution: JobExecution,
         timeAccount: TaskTimeAccount) {
        self.timeAccount = timeAccount
        self.mailbox = mailbox
        self.vertex = vertex; self.subtask = subtask; self.name = name; self.operators = operators
        self.flushables = flushables; self.input = input; self.processingTime = processingTime
        bufferTimeout = configuration.bufferTimeoutMillis
        sourceBatchSize = configuration.sourceBatchSize
        idlePollMillis = configuration.sourceIdlePollMillis
        self.execution = execution
    }

    func nowMillis() -> Timestamp { processingTime.now }

    func flushOutputs() throws {
        for f in flushables { try f.flush() }
        for o in operators { o.publish() }
    }

    func run() {
        var opened = 0
        do {
            execution.subtask(self, entered: .initializing)
            // Open consumers before producers, so nothing is emitted into an unopened operator.
            for op in operators.reversed() { try op.open(); opened += 1 }
            execution.subtask(self, entered: .running)
            timeAccount.restart()
            if let source = operators.first?.source {
                try runSource(source)
            } else if let input {
                try input.run(self)
            }
            timeAccount.mark()
            let states = try snapshotIfRequested()
            for op in operators { try op.close() }
            for op in operators { op.publish() }
            execution.subtaskFinished(self, states: states)
        } catch {
            for op in operators.suffix(opened) { try? op.close() }
            execution.subtaskFailed(self, error)
        }
    }

    /// The job stops for a savepoint: work in flight completes, then every consumer learns that nothing follows.
    func suspend() throws {
        for op in operators { try op.quiesce() }
        try flushOutputs()
        for f in flushables { try f.suspend() }
    }

    /// Each operator's state when the job was asked for a savepoint (taken before `close`, which discards what a
    /// sink did not commit). A source subtask that ends before any stop (a bounded split read to its end) keeps its
    /// final positions anyway, so a later savepoint of the still-running job covers it — and a restore does not
    /// read that split again. Best effort there: a state that cannot be encoded fails only a requested savepoint.
    private func snapshotIfRequested() throws -> [SubtaskState] {
        guard execution.stopRequest != nil else {
            guard operators.first?.source != nil, !execution.isCancelled else { return [] }
            return (try? snapshotAll()) ?? []
        }
        return try snapshotAll()
    }

    private func snapshotAll() throws -> [SubtaskState] {
        var states: [SubtaskState] = []
        for (nodeID, op) in zip(execution.graph.vertices[vertex].nodes, operators) {
            do {
                let state = try op.snapshot() ?? OperatorSnapshot()
                states.append(SubtaskState(stage: execution.graph.node(nodeID).name, subtask: subtask, state: state))
            } catch {
                throw StateSnapshotError("savepoint of '\(execution.graph.node(nodeID).name)': \(error)")
            }
        }
        return states
    }

    private func runSource(_ source: SourceDriving) throws {
        var lastFlush = nowMillis()
        try source.tick(now: lastFlush)
        while !execution.isCancelled {
            switch execution.stopRequest {
            case .drain?:
                // Flink's `stop --drain`: as if the input ended — the watermark reaches the end of time and every
                // window fires.
                try source.finish()
                try flushOutputs()
                return
            case .suspend?:
                try suspend()
                return
            case nil:
                break
            }
            let status = try source.poll(max: sourceBatchSize)
            let now = nowMillis()
            try source.tick(now: now)
            try mailbox.drain()
            try processingTime.fireDue()
            switch status {
            case .finished:
                try source.finish()
                try flushOutputs()
                return
            case .nothingAvailable:
                try flushOutputs()
                lastFlush = now
                var wait = idlePollMillis
                if let t = processingTime.nextTime { wait = max(0, min(wait, t - now)) }
                if wait > 0 {
                    // A source with nothing to read is idle, as Flink counts a source waiting for its split.
                    let start = TaskTimeAccount.now()
                    try mailbox.waitAndRun(timeout: Double(wait) / 1000)
                    timeAccount.addIdle(TaskTimeAccount.now() &- start)
                }
            case .more:
                if now - lastFlush >= bufferTimeout {
                    try flushOutputs()
                    lastFlush = now
                }
            }
            timeAccount.mark()
        }
        throw CancelledError()
    }
}
