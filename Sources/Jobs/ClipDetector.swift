import Dataflow
import FileConnector

/// The clip detector's parameters (DESIGN.md §8), with the seed's defaults; every one can be set in `jobs.yaml`
/// or with `-D name=value`.
public struct ClipDetectorConfig: Sendable, Equatable {
    public var outOfOrdernessMs: Int64 = 2000
    public var windowSizeMs: Int64 = 5000
    public var windowSlideMs: Int64 = 1000
    public var baselineWindows = 60
    public var minBaselineSamples = 10
    public var k = 3.0
    public var minCount: Int64 = 10
    public var cooldownMs: Int64 = 30000

    public init() {}

    static let parameterNames = ["out-of-orderness-ms", "window-size-ms", "window-slide-ms", "baseline-windows",
                                 "min-baseline-samples", "k", "min-count", "cooldown-ms"]

    public init(parameters: JobParameters) throws {
        outOfOrdernessMs = try parameters.int64("out-of-orderness-ms", default: outOfOrdernessMs, min: 0)
        windowSizeMs = try parameters.int64("window-size-ms", default: windowSizeMs, min: 1)
        windowSlideMs = try parameters.int64("window-slide-ms", default: windowSlideMs, min: 1)
        baselineWindows = Int(try parameters.int64("baseline-windows", default: Int64(baselineWindows), min: 1))
        minBaselineSamples = Int(try parameters.int64("min-baseline-samples", default: Int64(minBaselineSamples), min: 1))
        k = try parameters.double("k", default: k)
        minCount = try parameters.int64("min-count", default: minCount, min: 0)
        cooldownMs = try parameters.int64("cooldown-ms", default: cooldownMs, min: 0)
        guard minBaselineSamples <= baselineWindows else {
            throw JobParameterError("min-baseline-samples (\(minBaselineSamples)) cannot exceed baseline-windows (\(baselineWindows))")
        }
    }
}

/// A burst of chat: a window whose count stands out from the channel's recent baseline.
public struct Anomaly: Sendable, Equatable, Codable, CSVRecord {
    public var broadcasterID: String
    public var windowStart: Int64
    public var windowEnd: Int64
    public var count: Int64
    public var mean: Double
    public var stddev: Double
    /// The baseline counts the window was compared with, oldest first (the clip row's chart; not in the CSV).
    public var baselineCounts: [Int64] = []

    public static var csvHeader: String { "broadcaster_id,window_end,count,mean,stddev" }
    public func csvRow(_ row: inout CSVRow) {
        row.add(broadcasterID); row.add(windowEnd); row.add(count); row.add(mean); row.add(stddev)
    }
    /// The golden files' order: by broadcaster, then window end.
    public static func goldenOrder(_ a: Anomaly, _ b: Anomaly) -> Bool { (a.broadcasterID, a.windowEnd) < (b.broadcasterID, b.windowEnd) }
}

/// One channel's chat count in one window.
public struct ChatRate: Sendable, Equatable, Codable, CSVRecord {
    public var broadcasterID: String
    public var windowStart: Int64
    public var windowEnd: Int64
    public var count: Int64

    public init(_ w: WindowResult<String, Int>) {
        broadcasterID = w.key; windowStart = w.window.start; windowEnd = w.window.end; count = Int64(w.value)
    }
    public static var csvHeader: String { "broadcaster_id,window_start,window_end,count" }
    public func csvRow(_ row: inout CSVRow) { row.add(broadcasterID); row.add(windowStart); row.add(windowEnd); row.add(count) }
    public static func goldenOrder(_ a: ChatRate, _ b: ChatRate) -> Bool { (a.broadcasterID, a.windowEnd) < (b.broadcasterID, b.windowEnd) }
}

/// The last counts of a channel, oldest overwritten first.
struct Baseline: Codable {
    var counts: [Int64]
    var next = 0
    var size = 0
    init(capacity: Int) { counts = Array(repeating: 0, count: capacity) }

    mutating func append(_ count: Int64) {
        counts[next] = count
        next = (next + 1) % counts.count
        if size < counts.count { size += 1 }
    }

    /// The counts held, oldest first.
    var chronological: [Int64] {
        size < counts.count ? Array(counts[0..<size]) : Array(counts[next...] + counts[..<next])
    }
}

/// DESIGN.md §8 step 4, per broadcaster in window order: compare each window's count with the mean and
/// population standard deviation of the previous ≤ `baselineWindows` counts; flag it when it is at least
/// `minCount` and above `mean + k·stddev`, at most once per `cooldownMs` of window-end time.
public final class AnomalyDetector: KeyedProcessFunction {
    public typealias Key = String
    public typealias Input = WindowResult<String, Int>
    public typealias Output = Anomaly

    private let config: ClipDetectorConfig
    private var baseline: ValueState<Baseline>!
    private var lastFlaggedEnd: ValueState<Int64>!
    private var detected = Counter()
    private var metrics = MetricGroup()
    /// `anomalies_detected` per channel, as Flink's `addGroup("broadcaster_id", id).counter(…)` names it.
    private var detectedPerChannel: [String: Counter] = [:]

    public init(_ config: ClipDetectorConfig) { self.config = config }

    public func open(context: RuntimeContext, state: KeyedStateStore<String>) throws {
        baseline = state.valueState("baseline")
        lastFlaggedEnd = state.valueState("last-flagged-window-end")
        detected = context.metrics.counter("anomalies_detected")
        metrics = context.metrics
    }

    public func processElement(_ w: WindowResult<String, Int>, _ ctx: ProcessContext<String, Anomaly>) throws {
        let count = Int64(w.value)
        let end = w.window.end
        let capacity = config.baselineWindows
        let flagged: Anomaly? = baseline.modify(default: Baseline(capacity: capacity)) { b in
            defer { b.append(count) }
            guard b.size >= config.minBaselineSamples else { return nil }
            // Summation in ring order, as the reference does, so that results agree to the last bit.
            var sum = 0.0
            for i in 0..<b.size { sum += Double(b.counts[i]) }
            let n = Double(b.size)
            let mean = sum / n
            var variance = 0.0
            for i in 0..<b.size { let d = Double(b.counts[i]) - mean; variance += d * d }
            let stddev = (variance / n).squareRoot()
            guard count >= config.minCount, Double(count) > mean + config.k * stddev else { return nil }
            return Anomaly(broadcasterID: w.key, windowStart: w.window.start, windowEnd: end, count: count, mean: mean, stddev: stddev,
                           baselineCounts: b.chronological)
        }
        guard let anomaly = flagged else { return }
        if let last = lastFlaggedEnd.value, end - last < config.cooldownMs { return }
        lastFlaggedEnd.update(end)
        detected.increment()
        detectedCounter(of: anomaly.broadcasterID).increment()
        try ctx.collect(anomaly)
    }
}

extension AnomalyDetector {
    /// The per-channel counter: `broadcaster_id.<id>.anomalies_detected` (the REST id of Flink's key-value group),
    /// exported as `flink_taskmanager_job_task_operator_broadcaster_id_anomalies_detected{broadcaster_id="<id>"}`.
    /// A dot in an id would split it, so it becomes `_`.
    static func perChannelMetric(_ broadcasterID: String) -> String {
        "broadcaster_id.\(String(broadcasterID.map { $0 == "." ? "_" : $0 })).anomalies_detected"
    }

    private func detectedCounter(of broadcasterID: String) -> Counter {
        if let counter = detectedPerChannel[broadcasterID] { return counter }
        let counter = metrics.counter(Self.perChannelMetric(broadcasterID))
        detectedPerChannel[broadcasterID] = counter
        return counter
    }
}

extension OutputTag where T == ChatMessage {
    /// Chat messages that arrived after all their windows had fired.
    public static var lateChat: OutputTag<ChatMessage> { OutputTag("late-chat") }
}

/// The clip detector over a recorded chat stream: chat → windows → anomalies, into CSV files in the golden
/// format (`windows.csv`, `anomalies.csv`), plus `late-chat.jsonl` and `dead-letters.jsonl`.
public enum ClipDetectorReplay {
    public static let name = "clip-detector-replay"

    /// - Parameter input: a `.jsonl`/`.jsonl.zst` file or `kafka://host:port/topic` (see `ChatInput`).
    /// - Parameter follow: read a topic without end (until stopped), rather than up to its end at start.
    public static func job(name: String = name, input: String, outputDirectory: String, config: ClipDetectorConfig,
                           follow: Bool = false) throws -> Job {
        let out = outputDirectory.hasSuffix("/") ? String(outputDirectory.dropLast()) : outputDirectory
        let size = Duration.milliseconds(config.windowSizeMs), slide = Duration.milliseconds(config.windowSlideMs)
        let chat = try ChatInput(input)
        let readers = chat.sourceParallelism
        return try Job(name) {
            Source("chat-source", chat.source(follow: follow),
                   watermarks: .boundedOutOfOrderness(.milliseconds(config.outOfOrdernessMs), emit: .perRecord) { $0.ts })
                .maxParallelism(readers)
                .sideOutput(.deadLetters) {
                    Sink("dead-letters", JSONLinesFileSink<DeadLetter>(path: "\(out)/dead-letters.jsonl")).parallelism(1)
                }
            // Chained to the source, so each reader's order (a file's, a partition's) reaches the windows intact.
            Filter<ChatMessage>("drop-commands") { !$0.text.hasPrefix("!") }.maxParallelism(readers)
            KeyBy(\ChatMessage.broadcasterID)
                .window("chat-rate", .sliding(size: size, slide: slide), aggregate: Count(), lateOutput: .lateChat)
                .sideOutput(.lateChat) {
                    Sink("late-chat", JSONLinesFileSink<ChatMessage>(path: "\(out)/late-chat.jsonl")).parallelism(1)
                }
            Fork {
                Map("window-row") { (w: WindowResult<String, Int>) in ChatRate(w) }
                Sink("windows", CSVFileSink<ChatRate>(path: "\(out)/windows.csv", sortedBy: ChatRate.goldenOrder)).parallelism(1)
            }
            KeyBy(\WindowResult<String, Int>.key)
                .process("anomaly-detector") { AnomalyDetector(config) }
            Sink("anomalies", CSVFileSink<Anomaly>(path: "\(out)/anomalies.csv", sortedBy: Anomaly.goldenOrder)).parallelism(1)
        }
    }
}
