import Dataflow

final class SinkOperator<T>: StreamOperator {
    let output: Output<Terminal> = DiscardingOutput<Terminal>()
    private let writer: any SinkWriter<T>
    init(writer: any SinkWriter<T>) { self.writer = writer }
    func open(_ context: OperatorContext) throws { try writer.open() }
    func process(_ value: T, timestamp: Timestamp) throws { try writer.write(value, timestamp: timestamp) }
    func processWatermark(_ watermark: Timestamp) throws {}
    func processIdle(_ idle: Bool) throws {}
    func finish() throws { try writer.flush() }
    func close() throws { try writer.close() }
}
