import Foundation
import Yams

/// What the fake plays: channels, when each is live, and its chat — deterministic for a seed.
/// Times are seconds from the scenario's start (the moment the fake starts, scaled by `speed`).
///
/// ```yaml
/// seed: 42
/// speed: 1.0                 # 2.0 plays the scenario twice as fast
/// duration: 300              # optional; after it the fake keeps serving but nothing changes
/// channels:
///   - id: "1001"
///     login: alpha
///     name: Alpha
///     game: Just Chatting
///     title: Morning stream
///     viewers: 1200
///     live: [{from: 0, to: 120}, {from: 150}]   # omitted `to` = until the end; each span is a new stream id
///     chat:
///       rate: 4              # baseline messages per second; chat flows only while the channel is live
///                            # (the room stays joinable while offline, it is just quiet)
///       bursts:
///         - {at: 40, duration: 5, rate: 120, text: "PogChamp"}
/// ```
public struct Scenario: Codable, Sendable, Equatable {
    public var seed: UInt64
    public var speed: Double
    public var duration: Double?
    public var channels: [Channel]

    public init(seed: UInt64 = 1, speed: Double = 1, duration: Double? = nil, channels: [Channel]) {
        self.seed = seed
        self.speed = speed
        self.duration = duration
        self.channels = channels
    }

    public struct Channel: Codable, Sendable, Equatable {
        /// Helix user id = broadcaster id = IRC `room-id`.
        public var id: String
        public var login: String
        public var name: String?
        public var game: String?
        public var title: String?
        public var viewers: Int?
        public var live: [LiveSpan]
        public var chat: Chat?

        public init(id: String, login: String, name: String? = nil, game: String? = nil, title: String? = nil,
                    viewers: Int? = nil, live: [LiveSpan] = [], chat: Chat? = nil) {
            self.id = id
            self.login = login
            self.name = name
            self.game = game
            self.title = title
            self.viewers = viewers
            self.live = live
            self.chat = chat
        }

        public var displayName: String { name ?? login }

        /// The live span containing scenario time `t`, with its index (the stream's identity), if any.
        public func liveSpan(at t: Double) -> (index: Int, span: LiveSpan)? {
            for (index, span) in live.enumerated() where span.contains(t) { return (index, span) }
            return nil
        }
    }

    public struct LiveSpan: Codable, Sendable, Equatable {
        public var from: Double
        public var to: Double?

        public init(from: Double, to: Double? = nil) {
            self.from = from
            self.to = to
        }

        public func contains(_ t: Double) -> Bool { t >= from && (to.map { t < $0 } ?? true) }
    }

    public struct Chat: Codable, Sendable, Equatable {
        public var rate: Double
        public var bursts: [Burst]

        public init(rate: Double, bursts: [Burst] = []) {
            self.rate = rate
            self.bursts = bursts
        }

        enum CodingKeys: String, CodingKey { case rate, bursts }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            rate = try c.decode(Double.self, forKey: .rate)
            bursts = try c.decodeIfPresent([Burst].self, forKey: .bursts) ?? []
        }

        /// Messages per second at scenario time `t`: the baseline plus every burst covering `t`.
        public func rate(at t: Double) -> Double {
            bursts.reduce(rate) { $1.contains(t) ? $0 + $1.rate : $0 }
        }
    }

    public struct Burst: Codable, Sendable, Equatable {
        public var at: Double
        public var duration: Double
        /// Extra messages per second during the burst, on top of the baseline.
        public var rate: Double
        /// What the burst says (an emote, a word); random chat lines when omitted.
        public var text: String?

        public init(at: Double, duration: Double, rate: Double, text: String? = nil) {
            self.at = at
            self.duration = duration
            self.rate = rate
            self.text = text
        }

        public func contains(_ t: Double) -> Bool { t >= at && t < at + duration }
    }

    enum CodingKeys: String, CodingKey { case seed, speed, duration, channels }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 1
        speed = try c.decodeIfPresent(Double.self, forKey: .speed) ?? 1
        duration = try c.decodeIfPresent(Double.self, forKey: .duration)
        channels = try c.decode([Channel].self, forKey: .channels)
    }

    public func channel(id: String) -> Channel? { channels.first { $0.id == id } }
    public func channel(login: String) -> Channel? {
        let login = login.lowercased()
        return channels.first { $0.login.lowercased() == login }
    }

    /// Parses and checks a scenario; errors name the channel and the rule broken.
    public static func load(yaml text: String) throws -> Scenario {
        let scenario: Scenario
        do {
            scenario = try YAMLDecoder().decode(Scenario.self, from: text)
        } catch {
            throw ScenarioError("scenario YAML does not parse: \(error)")
        }
        try scenario.validate()
        return scenario
    }

    public static func load(path: String) throws -> Scenario {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError("cannot read scenario file \(path)")
        }
        return try load(yaml: text)
    }

    public func validate() throws {
        guard speed > 0 else { throw ScenarioError("speed must be > 0, got \(speed)") }
        guard !channels.isEmpty else { throw ScenarioError("a scenario needs at least one channel") }
        var ids = Set<String>(), logins = Set<String>()
        for channel in channels {
            guard !channel.id.isEmpty, channel.id.allSatisfy(\.isNumber) else {
                throw ScenarioError("channel \(channel.login): id must be numeric like Twitch's user ids, got \"\(channel.id)\"")
            }
            guard !channel.login.isEmpty, channel.login == channel.login.lowercased(),
                  channel.login.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ScenarioError("channel \(channel.id): login must be lowercase letters, digits and _, got \"\(channel.login)\"")
            }
            guard ids.insert(channel.id).inserted else { throw ScenarioError("channel id \(channel.id) appears twice") }
            guard logins.insert(channel.login).inserted else { throw ScenarioError("channel login \(channel.login) appears twice") }
            var lastEnd = -Double.infinity
            for span in channel.live {
                guard span.from >= lastEnd else {
                    throw ScenarioError("channel \(channel.login): live spans must be in order and not overlap")
                }
                if let to = span.to, to <= span.from {
                    throw ScenarioError("channel \(channel.login): a live span ends (\(to)) before it starts (\(span.from))")
                }
                lastEnd = span.to ?? .infinity
            }
            if let chat = channel.chat {
                guard chat.rate >= 0 else { throw ScenarioError("channel \(channel.login): chat rate must be >= 0") }
                for burst in chat.bursts where burst.duration <= 0 || burst.rate <= 0 {
                    throw ScenarioError("channel \(channel.login): burst at \(burst.at) needs a positive duration and rate")
                }
            }
        }
    }
}

public struct ScenarioError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Scenario time: seconds since the scenario started, scaled by its speed. Tests can move it by hand.
public final class ScenarioClock: @unchecked Sendable {
    private let lock = NSLock()
    private var origin: ContinuousClock.Instant
    private var manual: Double?
    public let speed: Double

    public init(speed: Double = 1) {
        self.speed = speed
        self.origin = ContinuousClock.now
    }

    /// A clock that only moves when `set(_:)` or `advance(by:)` is called.
    public static func manual(at t: Double = 0) -> ScenarioClock {
        let clock = ScenarioClock()
        clock.manual = t
        return clock
    }

    public var now: Double {
        lock.withLock {
            if let manual { return manual }
            let elapsed = ContinuousClock.now - origin
            return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18) * speed
        }
    }

    public func set(_ t: Double) { lock.withLock { manual = t } }
    public func advance(by seconds: Double) { lock.withLock { manual = (manual ?? 0) + seconds } }
}
