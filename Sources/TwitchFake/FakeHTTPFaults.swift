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
    /// Faults of one Helix endpoint only, by its name (`FakeEndpointFaults.names`): e.g. only Get Clips fails,
    /// only Create Clip is slow. Checked before the switches above.
    public var endpoints: [String: FakeEndpointFaults] = [:]

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
        case endpoints
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        errorRate = try c.decodeIfPresent(Double.self, forKey: .errorRate) ?? 0
        latencyMilliseconds = try c.decodeIfPresent(Int.self, forKey: .latencyMilliseconds) ?? 0
        forcedStatus = try c.decodeIfPresent(Int.self, forKey: .forcedStatus)
        forcedCount = try c.decodeIfPresent(Int.self, forKey: .forcedCount) ?? 0
        clipFailureMode = try c.decodeIfPresent(Bool.self, forKey: .clipFailureMode) ?? false
        clipsForbidden = try c.decodeIfPresent([String].self, forKey: .clipsForbidden) ?? []
        endpoints = try c.decodeIfPresent([String: FakeEndpointFaults].self, forKey: .endpoints) ?? [:]
    }
}

/// The fault switches of one Helix endpoint (`"endpoints": {"get_clips": {"force_status": 500, "force_count": 6}}`).
public struct FakeEndpointFaults: Codable, Sendable, Equatable {
    /// The endpoint names, as the Twitch client's metrics label them.
    public static let names: Set<String> = ["get_streams", "get_users", "get_clips", "create_clip"]

    /// The next `forcedCount` responses of this endpoint get this status.
    public var forcedStatus: Int?
    public var forcedCount: Int = 0
    /// Share of this endpoint's requests answered 500 (0...1).
    public var errorRate: Double = 0
    /// Added to this endpoint's responses (after the global latency), milliseconds.
    public var latencyMilliseconds: Int = 0

    public init(forcedStatus: Int? = nil, forcedCount: Int = 0, errorRate: Double = 0, latencyMilliseconds: Int = 0) {
        self.forcedStatus = forcedStatus; self.forcedCount = forcedCount
        self.errorRate = errorRate; self.latencyMilliseconds = latencyMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case forcedStatus = "force_status", forcedCount = "force_count", errorRate = "error_rate", latencyMilliseconds = "latency_ms"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        forcedStatus = try c.decodeIfPresent(Int.self, forKey: .forcedStatus)
        // A status without a count forces one response, as the global switch does.
        forcedCount = try c.decodeIfPresent(Int.self, forKey: .forcedCount) ?? (forcedStatus == nil ? 0 : 1)
        errorRate = try c.decodeIfPresent(Double.self, forKey: .errorRate) ?? 0
        latencyMilliseconds = try c.decodeIfPresent(Int.self, forKey: .latencyMilliseconds) ?? 0
    }

    func validated(_ name: String) throws {
        guard Self.names.contains(name) else {
            throw FakeHTTPInputError("endpoints: unknown endpoint '\(name)' (one of \(Self.names.sorted().joined(separator: ", ")))")
        }
        if !(0...1).contains(errorRate) { throw FakeHTTPInputError("endpoints.\(name).error_rate must be within 0...1") }
        if latencyMilliseconds < 0 { throw FakeHTTPInputError("endpoints.\(name).latency_ms must be >= 0") }
        if let forcedStatus, !(100...599).contains(forcedStatus) { throw FakeHTTPInputError("endpoints.\(name).force_status must be an HTTP status") }
        if forcedCount < 0 { throw FakeHTTPInputError("endpoints.\(name).force_count must be >= 0") }
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
    /// Replaces the named endpoints' switches (`{}` clears one); other endpoints keep theirs.
    var endpoints: [String: FakeEndpointFaults]?
    var expireAllTokens: Bool?

    enum CodingKeys: String, CodingKey {
        case reset, errorRate = "error_rate", latencyMilliseconds = "latency_ms", forcedStatus = "force_status"
        case forcedCount = "force_count", clipFailureMode = "clip_failure_mode", clipsForbidden = "clips_forbidden"
        case expireAllTokens = "expire_all_tokens", endpoints
    }

    func validated() throws -> FakeHTTPFaultsUpdate {
        if let errorRate, !(0...1).contains(errorRate) { throw FakeHTTPInputError("error_rate must be within 0...1") }
        if let latencyMilliseconds, latencyMilliseconds < 0 { throw FakeHTTPInputError("latency_ms must be >= 0") }
        if let forcedStatus, !(100...599).contains(forcedStatus) { throw FakeHTTPInputError("force_status must be an HTTP status") }
        if let forcedCount, forcedCount < 0 { throw FakeHTTPInputError("force_count must be >= 0") }
        for (name, faults) in endpoints ?? [:] { try faults.validated(name) }
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
        for (name, endpoint) in endpoints ?? [:] {
            faults.endpoints[name] = endpoint == FakeEndpointFaults() ? nil : endpoint
        }
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

    /// Consumes one forced response (the endpoint's first), or draws against the error rates.
    func decide(endpoint: String) -> FakeHTTPFaultDecision {
        state.withLock { state in
            if var own = state.faults.endpoints[endpoint] {
                defer { state.faults.endpoints[endpoint] = own == FakeEndpointFaults() ? nil : own }
                if let status = own.forcedStatus, own.forcedCount > 0 {
                    own.forcedCount -= 1
                    if own.forcedCount == 0 { own.forcedStatus = nil }
                    return .forced(status: status)
                }
                if own.errorRate > 0, state.random.nextUnit() < own.errorRate { return .forced(status: 500) }
            }
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
