import Dataflow

/// One operator instance, built and wired, as the subtask runner drives it.
struct ConstructedOperator {
    /// `Output<Input>` feeding the operator (nil for a source).
    let input: AnyObject?
    let open: () throws -> Void
    let close: () throws -> Void
    var source: SourceDriving?
    /// Pushes uncounted records into the metrics.
    let publish: () -> Void
    /// Savepoints: completing work in flight, the state, and restoring it (before `open`).
    let quiesce: () throws -> Void
    let snapshot: () throws -> OperatorSnapshot?
    let restore: (OperatorSnapshot) throws -> Void
}

protocol SourceDriving: AnyObject {
    func open() throws
    func poll(max: Int) throws -> SourcePoll
    func tick(now: Timestamp) throws
    func finish() throws
    func close()
    /// From another thread: the job is being cancelled.
    func cancel()
    func publish()
    func snapshot() throws -> OperatorSnapshot
    func restore(_ snapshot: OperatorSnapshot) throws
}
extension SourceDriver: SourceDriving {}

/// The one construction switch: turns each kind of operator spec into its running operator.
struct OperatorConstructor: OperatorSpecVisitor {
    let node: StreamNode
    let subtask: Int
    let parallelism: Int
    let maxParallelism: Int
    /// Consumers by output port (nil: main output); each an `Output<X>` of the port's type.
    let outputs: [String?: [AnyObject]]
    let metrics: MetricGroup
    let processingTime: ProcessingTimeService
    let mailbox: Mailbox
    let isCancelled: @Sendable () -> Bool

    private func mainOutput<O>(_: O.Type) -> Output<O> {
        let outs = (outputs[nil] ?? []).map { $0 as! Output<O> }
        switch outs.count {
        case 0: return DiscardingOutput<O>()
        case 1: return outs[0]
        default: return FanOut(outs)
        }
    }

    private var sideOutputs: [String: AnyObject] {
        var out: [String: AnyObject] = [:]
        for (port, consumers) in outputs { if let port, let first = consumers.first { out[port] = first } }
        return out
    }

    private func context() -> OperatorContext {
        OperatorContext(runtime: RuntimeContext(stageName: node.name, subtaskIndex: subtask, parallelism: parallelism, metrics: metrics),
                        maxParallelism: maxParallelism, processingTime: processingTime, sideOutputs: sideOutputs,
                        mailbox: mailbox, isCancelled: isCancelled)
    }

    private func wrap<Op: StreamOperator>(_ op: Op) -> ConstructedOperator {
        let input = OperatorInput(op, metrics: metrics, sideOutputs: sideOutputs.values.map { $0 as! ControlOutput })
        let ctx = context()
        return ConstructedOperator(input: input, open: { try op.open(ctx) }, close: { try op.close() }, source: nil,
                                   publish: { input.publish() }, quiesce: { try op.quiesce() },
                                   snapshot: { try op.snapshotState() }, restore: { try op.restoreState($0) })
    }

    func source<T>(_ spec: SourceSpec<T>) throws -> ConstructedOperator {
        let reader = try spec.connector.createReader(subtask: subtask, parallelism: parallelism)
        reader.attach(metrics: metrics)
        let deadLetters = sideOutputs[OutputTag<DeadLetter>.deadLetters.name].map { $0 as! Output<DeadLetter> }
        let driver = SourceDriver(reader: reader, strategy: spec.watermarks, output: mainOutput(T.self),
                                  deadLetterOutput: deadLetters, metrics: metrics)
        return ConstructedOperator(input: nil, open: { try driver.open() }, close: { driver.close() }, source: driver,
                                   publish: { driver.publish() }, quiesce: {},
                                   snapshot: { try driver.snapshot() }, restore: { try driver.restore($0) })
    }

    func filter<T>(_ spec: FilterSpec<T>) throws -> ConstructedOperator { wrap(FilterOperator(spec, output: mainOutput(T.self))) }
    func map<I, O>(_ spec: MapSpec<I, O>) throws -> ConstructedOperator { wrap(MapOperator(spec, output: mainOutput(O.self))) }
    func flatMap<I, O>(_ spec: FlatMapSpec<I, O>) throws -> ConstructedOperator {
        wrap(FlatMapOperator(spec, output: mainOutput(O.self)))
    }
    func window<K, T, A: AggregateFunction>(_ spec: WindowSpec<K, T, A>) throws -> ConstructedOperator where A.Input == T {
        wrap(WindowOperator(spec, output: mainOutput(WindowResult<K, A.Result>.self)))
    }
    func process<F: KeyedProcessFunction>(_ spec: ProcessSpec<F>) throws -> ConstructedOperator {
        wrap(KeyedProcessOperator(spec, output: mainOutput(F.Output.self), maxParallelism: maxParallelism))
    }
    func asyncIO<F: AsyncFunction>(_ spec: AsyncSpec<F>) throws -> ConstructedOperator {
        wrap(AsyncOperator(spec, output: mainOutput(AsyncResult<F.Input, F.Output>.self)))
    }
    func union<T>(_ spec: UnionSpec<T>) throws -> ConstructedOperator { wrap(UnionOperator(output: mainOutput(T.self))) }
    func sink<T>(_ spec: SinkSpec<T>) throws -> ConstructedOperator {
        wrap(SinkOperator(writer: try spec.connector.createWriter(subtask: subtask, parallelism: parallelism)))
    }
}

/// Builds the producer side of an exchange edge for one producer subtask.
struct PartitionerConstructor: ExchangeSpecVisitor {
    let strategy: ShipStrategy
    let producerSubtask: Int
    /// The consumer vertex's gates (`InputGate<Downstream>`), one per consumer subtask; nil where that subtask runs
    /// on another TaskManager.
    let gates: [AnyObject?]
    /// This edge's first channel index in every consumer gate.
    let channelOffset: Int
    let bufferSize: Int
    let maxParallelism: Int
    /// For consumers on other TaskManagers: the network, and each consumer subtask's channel key and TaskManager.
    var remote: RemoteEdge? = nil

    struct RemoteEdge {
        let network: NetworkEnvironment
        let channel: (_ consumer: Int) -> (ChannelKey, String)
        let isCancelled: () -> Bool
    }

    /// The producer subtask's time account (backpressure is booked there).
    var account: TaskTimeAccount? = nil

    private func writer<D>(_: D.Type, consumer: Int) throws -> ChannelWriter<D> {
        let channel = channelOffset + producerSubtask
        if let gate = gates[consumer] {
            return ChannelWriter(gate: gate as! InputGate<D>, channel: channel, bufferSize: bufferSize, account: account)
        }
        guard let remote else { throw JobDefinitionError("consumer subtask \(consumer) has neither a local gate nor a network channel") }
        guard let codec = WireCodec<D>() else { throw JobDefinitionError(WireCodecCheck.missing(D.self)) }
        let (key, peer) = remote.channel(consumer)
        let sender = RemoteChannelSender(network: remote.network, key: key, peer: peer, codec: codec, isCancelled: remote.isCancelled)
        return ChannelWriter(gate: sender, channel: channel, bufferSize: bufferSize, account: account)
    }

    private func writers<D>(_: D.Type) throws -> [ChannelWriter<D>] {
        try gates.indices.map { try writer(D.self, consumer: $0) }
    }

    func passThrough<T>(_ spec: PassThroughExchange<T>) throws -> (AnyObject, Flushable) {
        switch strategy {
        case .forward:
            let p = ForwardPartitioner(writer: try writer(T.self, consumer: producerSubtask))
            return (p, p)
        default:
            let p = RebalancePartitioner(writers: try writers(T.self), start: producerSubtask)
            return (p, p)
        }
    }

    func keyed<T, K>(_ spec: KeyedExchange<T, K>) throws -> (AnyObject, Flushable) {
        let p = HashPartitioner(writers: try writers(Keyed<K, T>.self), key: spec.key, maxParallelism: maxParallelism)
        return (p, p)
    }
}

/// Makes the input gate of a consumer subtask, typed by the head operator's input.
func makeGate<S: OperatorSpec>(for spec: S, channels: Int, capacity: Int, networkReserve: Int = 0) -> AnyObject {
    InputGate<S.Input>(channelCount: channels, capacity: capacity, networkReserve: networkReserve)
}
