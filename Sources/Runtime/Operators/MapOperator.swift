import Dataflow

final class MapOperator<I, O>: StreamOperator {
    let output: Output<O>
    private let transform: (I) throws -> O
    init(_ spec: MapSpec<I, O>, output: Output<O>) { transform = spec.transform; self.output = output }
    func process(_ value: I, timestamp: Timestamp) throws { try output.emit(transform(value), timestamp: timestamp) }
}
