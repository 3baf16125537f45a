import Dataflow

/// Passes records on; the merging (and the minimum watermark over the inputs) happens in the input gate.
final class UnionOperator<T>: StreamOperator {
    let output: Output<T>
    init(output: Output<T>) { self.output = output }
    func process(_ value: T, timestamp: Timestamp) throws { try output.emit(value, timestamp: timestamp) }
}
