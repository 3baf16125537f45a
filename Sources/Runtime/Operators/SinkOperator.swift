import Dataflow
import Foundation

final class SinkOperator<T>: StreamOperator {
    let output: Output<Terminal> = DiscardingOutput<Terminal>()
    private let writer: any SinkWriter<T>
    private var processingTime: ProcessingTimeService?
    private var finished = false

    init(writer: any SinkWriter<T>) { self.writer = writer }

    func open(_ context: OperatorContext) throws {
        writer.attach(metrics: context.metrics)
        try writer.open()
        processingTime = context.processingTime
        if let interval = writer.tickInterval, interval > 0 { scheduleTick(interval) }
    }

    private func scheduleTick(_ interval: Int64) {
        guard let service = processingTime else { return }
        service.schedule(at: service.now + interval) { [weak self] now in
            guard let self, !self.finished else { return }
            try self.writer.tick(now: now)
            self.scheduleTick(interval)
        }
    }

    func process(_ value: T, timestamp: Timestamp) throws { try writer.write(value, timestamp: timestamp) }
    func processWatermark(_ watermark: Timestamp) throws {}
    func processIdle(_ idle: Bool) throws {}
    func finish() throws {
        finished = true
        try writer.flush()
    }
    func close() throws { try writer.close() }

    /// What the writer holds back (a savepoint's list state: round-robin over the new writers).
    func snapshotState() throws -> OperatorSnapshot? {
        guard let state = try writer.snapshotState() else { return nil }
        return OperatorSnapshot(list: [state])
    }

    func restoreState(_ snapshot: OperatorSnapshot) throws { try writer.restore(states: snapshot.list) }
}
