import Dataflow

final class FlatMapOperator<I, O>: StreamOperator {
    let output: Output<O>
    private let transform: (I, (O) throws -> Void) throws -> Void
    init(_ spec: FlatMapSpec<I, O>, output: Output<O>) { transform = spec.transform; self.output = output }
    func process(_ value: I, timestamp: Timestamp) throws {
        try transform(value) { try self.output.emit($0, timestamp: timestamp) }
    }
}
