import Dataflow

final class FilterOperator<T>: StreamOperator {
    let output: Output<T>
    private let predicate: (T) throws -> Bool
    init(_ spec: FilterSpec<T>, output: Output<T>) { predicate = spec.predicate; self.output = output }
    func process(_ value: T, timestamp: Timestamp) throws {
        if try predicate(value) { try output.emit(value, timestamp: timestamp) }
    }
}
