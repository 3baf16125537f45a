import Foundation
import Synchronization

/// Fault switches of the fake's Helix side. JSON field names are those of `POST /_fake/faults` and `GET /_fake/state`.
public struct FakeHTTPFaults: Codable, Sendable, Equatable {
    /// Share of Helix requests answered 500 (0...1), drawn from a seeded generator.
    public var errorRate: Double = 0
    /// Added to every OAuth and Helix response, milliseconds.
    public var latencyMilliseconds: Int = 0
    /// The next `forcedCount` Helix responses get this status (401, 429, 500, 503...).
    public var forcedStatus: Int?
    public var forcedCount: Int = 0
    /// Create Clip answers 202 but the clip never becomes visible.
    public var clipFailureMode: Bool = false
    /// Broadcasters whose clips are disabled: Create Clip answers 403.
    public var clipsForbidden: [String] = []

    public init(errorRate: Double = 0, latencyMilliseconds: Int = 0, forcedStatus: Int? = nil, forcedCount: Int = 0,
                clipFailureMode: Bool = false, clipsForbidden: [String] = []) {
        self.errorRate = errorRate
        self.latencyMilliseconds = latencyMilliseconds
        self.forcedStatus = forcedStatus
        self.forcedCount = forcedCount
        self.clipFailureMode = clipFailureMode
        self.clipsForbidden = clipsForbidden
    }

    enum CodingKeys: String, CodingKey {
        case errorRate = "error_rate", latencyMilliseconds = "latency_ms", forcedStatus = "force_status"
        case forcedCount = "force_count", clipFailureMode = "clip_failure_mode", clipsForbidden = "clips_forbidden"
    }
}

/// A partial update as posted to `/_fake/faults`: only the fields present change. `expire_all_tokens: true`
/// expires every issued token; `reset: true` clears every switch first.
struct FakeHTTPFaultsUpdate: Decodable {
    var reset: Bool?
    var errorRate: Double?
    var latencyMilliseconds: Int?
    var forcedStatus: Int?
    var forcedCount: Int?
    var clipFailureMode: Bool?
    var clipsForbidden: [String]?
    var expireAllTokens: Bool?

    enum CodingKeys: String, CodingKey {
        case reset, errorRate = "error_rate", latencyMilliseconds = "latency_ms", forcedStatus = "force_status"
        case forcedCount = "force_count", clipFailureMode = "clip_failure_mode", clipsForbidden = "clips_forbidden"
        case expireAllTokens = "expire_all_tokens"
    }

    func validated() throws -> FakeHTTPFaultsUpdate {
        if let errorRate, !(0...1).contains(errorRate) { throw FakeHTTPInputError("error_rate must be within 0...1") }
        if let latencyMilliseconds, latencyMilliseconds < 0 { throw FakeHTTPInputError("latency_ms must be >= 0") }
        if let forcedStatus, !(100...599).contains(forcedStatus) { throw FakeHTTPInputError("force_status must be an HTTP status") }
        if let forcedCount, forcedCount < 0 { throw FakeHTTPInputError("force_count must be >= 0") }
        return self
    }

    func applied(to faults: FakeHTTPFaults) -> FakeHTTPFaults {
        var faults = reset == true ? FakeHTTPFaults() : faults
        if let errorRate { faults.errorRate = errorRate }
        if let latencyMilliseconds { faults.latencyMilliseconds = latencyMilliseconds }
        if let forcedStatus {
            faults.forcedStatus = forcedStatus
            faults.forcedCount = forcedCount ?? 1
        } else if let forcedCount {
            faults.forcedCount = forcedCount
        }
        if let clipFailureMode { faults.clipFailureMode = clipFailureMode }
        if let clipsForbidden { faults.clipsForbidden = clipsForbidden }
        return faults
    }
}

struct FakeHTTPInputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What a Helix request should get before its handler runs, decided under one lock.
enum FakeHTTPFaultDecision: Equatable {
    case proceed
    case forced(status: Int)
}

/// The live switches plus the seeded generator behind `errorRate`.
final class FakeHTTPFaultSwitch: Sendable {
    private struct State {
        var faults: FakeHTTPFaults
        var random: FakeHTTPRandom
    }
    private let state: Mutex<State>

    init(_ faults: FakeHTTPFaults, seed: UInt64) {
        state = Mutex(State(faults: faults, random: FakeHTTPRandom(seed: seed ^ 0xFA17)))
    }

    var faults: FakeHTTPFaults { state.withLock { $0.faults } }

    func set(_ faults: FakeHTTPFaults) { state.withLock { $0.faults = faults } }
    func update(_ change: (inout FakeHTTPFaults) -> Void) { state.withLock { change(&$0.faults) } }
    func apply(_ update: FakeHTTPFaultsUpdate) { state.withLock { $0.faults = update.applied(to: $0.faults) } }

    /// Consumes one forced response, or draws against the error rate.
    func decide() -> FakeHTTPFaultDecision {
        state.withLock { state in
            if let status = state.faults.forcedStatus, state.faults.forcedCount > 0 {
                state.faults.forcedCount -= 1
                if state.faults.forcedCount == 0 { state.faults.forcedStatus = nil }
                return .forced(status: status)
            }
            if state.faults.errorRate > 0, state.random.nextUnit() < state.faults.errorRate {
                return .forced(status: 500)
            }
            return .proceed
        }
    }
}

/// Small seeded generator (FakeHTTPRandom): the fake's "random" choices repeat for a seed.
struct FakeHTTPRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A stable 64-bit hash of `text` (FNV-1a): deterministic ids across runs, unlike Swift's `Hasher`.
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }
}
