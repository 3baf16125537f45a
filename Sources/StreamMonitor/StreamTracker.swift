import Foundation
import Logging

/// The monitor's state machine: which channels are tracked and which are live, and what each change sets off.
///
/// - A poll (`poll()`) asks Get Streams about every tracked channel, refreshes the Redis key of each live one and
///   records it in `streamers`. A channel whose key did not exist goes online: `online` is published to
///   `stream-lifecycle` and its chat is joined.
/// - Redis expiring a key (`expired(_:)`) takes the channel offline: its chat is left, `offline` is published and
///   `streamers` updated.
/// - A restarted monitor rejoins the chat of channels whose key still exists (no second `online`), and
///   publishes `offline` for channels `streamers` holds as live whose key expired while it was away.
public actor StreamTracker {
    private let configuration: MonitorConfiguration
    private let directory: any StreamDirectory
    private let chat: any ChatRooms
    private let keys: LivenessKeys
    private let streamers: StreamersStore
    private let lifecycle: LifecyclePublisher
    private let metrics: MonitorMetrics
    private let health: DependencyHealth
    private let logger: Logger
    private let now: @Sendable () -> Int64

    private var tracked: [BroadcasterID: TrackedChannel] = [:]
    /// Channels this process considers live, with the stream last seen.
    private var live: [BroadcasterID: LiveStream] = [:]
    /// Channels whose chat this process has joined.
    private var joined: Set<BroadcasterID> = []
    /// Channels whose `offline` this process published, until they go online again: a late expiry event for them
    /// is not a second offline.
    private var offline: Set<BroadcasterID> = []
    /// Logins from the configuration that Helix did not know (retried on later polls).
    private var unresolved: [String] = []
    private var reconciled = false

    public init(configuration: MonitorConfiguration, directory: any StreamDirectory, chat: any ChatRooms, keys: LivenessKeys,
                streamers: StreamersStore, lifecycle: LifecyclePublisher, metrics: MonitorMetrics, health: DependencyHealth,
                logger: Logger, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.configuration = configuration; self.directory = directory; self.chat = chat; self.keys = keys
        self.streamers = streamers; self.lifecycle = lifecycle; self.metrics = metrics; self.health = health
        self.logger = logger; self.now = now
    }

    public var liveChannels: Set<BroadcasterID> { Set(live.keys) }
    public var joinedChannels: Set<BroadcasterID> { joined }
    public var trackedChannels: [TrackedChannel] { tracked.values.sorted { $0.id < $1.id } }

    /// One poll: refresh the tracked set, ask Twitch who is live, refresh keys, handle new streams.
    public func poll() async {
        let started = ContinuousClock.now
        defer {
            metrics.polls.increment()
            let d = ContinuousClock.now - started
            metrics.pollDuration.recordNanoseconds(d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000)
        }
        await refreshTracked()
        guard !tracked.isEmpty else {
            if health.state(.twitch).up == nil { health.report(.twitch, up: true, detail: "no channel tracked yet: nothing to ask") }
            return
        }
        let streams: [LiveStream]
        do {
            streams = try await directory.liveStreams(ids: tracked.keys.sorted())
            health.report(.twitch, up: true, detail: "Get Streams: \(streams.count) of \(tracked.count) tracked channels live")
        } catch {
            health.report(.twitch, up: false, detail: "Get Streams failed: \(error)")
            logger.error("Get Streams failed; liveness keys not refreshed this round", metadata: ["error": "\(error)"])
            return
        }
        let liveNow = streams.filter { tracked[$0.broadcasterID] != nil }
        let new: Set<BroadcasterID>
        do {
            new = try await keys.refresh(liveNow)
            health.report(.redis, up: true, detail: "\(liveNow.count) liveness key(s) refreshed")
        } catch {
            metrics.redisErrors.increment()
            health.report(.redis, up: false, detail: "refreshing liveness keys failed: \(error)")
            logger.error("cannot refresh liveness keys", metadata: ["error": "\(error)"])
            return
        }
        for stream in liveNow {
            let id = stream.broadcasterID
            let wentOnline = new.contains(id)
            if wentOnline && live[id] != nil && !offline.contains(id) {
                // The key expired and this poll re-created it before the expiry event was handled: that expiry
                // still ends the stream, so that every `online` follows an `offline`.
                await goOffline(id, login: stream.login, stream: live[id])
            }
            live[id] = stream
            if wentOnline {
                offline.remove(id)
                logger.info("channel online", metadata: ["broadcaster_id": "\(id)", "login": "\(stream.login)", "stream_id": "\(stream.streamID)"])
                await publish(LifecycleEvent(type: .online, broadcasterID: id, broadcasterLogin: stream.login, streamID: stream.streamID,
                                             title: stream.title, gameName: stream.gameName, startedAt: stream.startedAt, ts: now()))
                metrics.lifecycleOnline.increment()
            }
            if !joined.contains(id) { await join(stream.login, id) }
            await recordLive(stream, wentOnline: wentOnline)
        }
        if !reconciled { await reconcileAfterRestart(liveNow: Set(liveNow.map(\.broadcasterID))) }
        metrics.activeStreamCount.record(live.count)
    }

    /// A liveness key expired: the channel went offline (unless a newer poll already re-created its key).
    public func expired(_ id: BroadcasterID) async {
        if let still = try? await keys.existing([id]), still.contains(id) { return }
        guard !offline.contains(id) else { return }
        await goOffline(id, login: live[id]?.login ?? tracked[id]?.login ?? id.rawValue, stream: live[id])
    }

    private func goOffline(_ id: BroadcasterID, login: String, stream: LiveStream?) async {
        live[id] = nil
        offline.insert(id)
        logger.info("channel offline", metadata: ["broadcaster_id": "\(id)", "login": "\(login)"])
        if joined.contains(id) {
            do {
                try await chat.part(login)
                joined.remove(id)
                metrics.channelsJoined.record(joined.count)
            } catch {
                metrics.chatJoinErrors.increment()
                logger.error("cannot leave chat", metadata: ["login": "\(login)", "error": "\(error)"])
            }
        }
        await publish(LifecycleEvent(type: .offline, broadcasterID: id, broadcasterLogin: login, streamID: stream?.streamID,
                                     title: stream?.title, gameName: stream?.gameName, startedAt: stream?.startedAt, ts: now()))
        metrics.lifecycleOffline.increment()
        do {
            try await streamers.recordOffline(id)
        } catch {
            metrics.postgresErrors.increment()
            health.report(.postgres, up: false, detail: "recording offline failed: \(error)")
            logger.error("cannot record offline channel", metadata: ["broadcaster_id": "\(id)", "error": "\(error)"])
        }
        metrics.activeStreamCount.record(live.count)
    }

    /// Configured channels (resolved to ids once) plus the tracked rows of `streamers`.
    private func refreshTracked() async {
        if tracked.isEmpty && unresolved.isEmpty { unresolved = configuration.trackedChannels }
        if !unresolved.isEmpty {
            // Numeric entries are ids already; the rest are logins Helix resolves.
            let logins = unresolved.filter { !$0.allSatisfy(\.isNumber) }
            var found: [TrackedChannel] = []
            var asked = false
            if !logins.isEmpty {
                do {
                    found = try await directory.channels(logins: logins)
                    asked = true
                    health.report(.twitch, up: true, detail: "Get Users: \(found.count) of \(logins.count) logins known")
                } catch {
                    health.report(.twitch, up: false, detail: "Get Users failed: \(error)")
                    logger.error("cannot resolve tracked logins; will retry on the next poll", metadata: ["error": "\(error)"])
                }
            }
            let resolved = Set(found.map(\.login))
            let missing = logins.filter { !resolved.contains($0) }
            if asked && !missing.isEmpty { logger.warning("tracked logins unknown to Twitch", metadata: ["logins": "\(missing)"]) }
            do {
                try await streamers.track(found)
                for channel in found { tracked[channel.id] = channel }
                unresolved = missing
            } catch {
                metrics.postgresErrors.increment()
                health.report(.postgres, up: false, detail: "recording tracked channels failed: \(error)")
            }
            // Ids without a row yet are tracked under their id until Get Streams tells their login.
            for id in unresolved.filter({ $0.allSatisfy(\.isNumber) }) where tracked[BroadcasterID(id)] == nil {
                tracked[BroadcasterID(id)] = TrackedChannel(id: BroadcasterID(id), login: id)
            }
        }
        do {
            for channel in try await streamers.trackedChannels() { tracked[channel.id] = channel }
            health.report(.postgres, up: true, detail: "\(tracked.count) tracked channel(s)")
        } catch {
            metrics.postgresErrors.increment()
            health.report(.postgres, up: false, detail: "reading streamers failed: \(error)")
            logger.error("cannot read tracked channels from streamers", metadata: ["error": "\(error)"])
        }
        metrics.trackedChannels.record(tracked.count)
    }

    /// After the first successful poll: channels `streamers` holds as live, not live now and without a key,
    /// went offline while no monitor was watching.
    private func reconcileAfterRestart(liveNow: Set<BroadcasterID>) async {
        do {
            let recorded = try await streamers.liveChannels().filter { !liveNow.contains($0.id) }
            let keyed = try await keys.existing(recorded.map(\.id))
            for channel in recorded where !keyed.contains(channel.id) {
                await goOffline(channel.id, login: channel.login, stream: nil)
            }
            reconciled = true
        } catch {
            logger.warning("cannot reconcile live channels after start; will retry", metadata: ["error": "\(error)"])
        }
    }

    private func join(_ login: String, _ id: BroadcasterID) async {
        do {
            try await chat.join(login)
            joined.insert(id)
            metrics.channelsJoined.record(joined.count)
        } catch {
            metrics.chatJoinErrors.increment()
            logger.error("cannot join chat; will retry on the next poll", metadata: ["login": "\(login)", "error": "\(error)"])
        }
    }

    private func recordLive(_ stream: LiveStream, wentOnline: Bool) async {
        do {
            try await streamers.recordLive(stream, wentOnline: wentOnline)
        } catch {
            metrics.postgresErrors.increment()
            health.report(.postgres, up: false, detail: "recording a live stream failed: \(error)")
            logger.error("cannot record live stream", metadata: ["broadcaster_id": "\(stream.broadcasterID)", "error": "\(error)"])
        }
    }

    private func publish(_ event: LifecycleEvent) async {
        do {
            try await lifecycle.publish(event)
        } catch {
            metrics.kafkaErrors.increment()
            health.report(.kafka, up: false, detail: "publishing a lifecycle event failed: \(error)")
            logger.error("cannot publish lifecycle event", metadata: ["type": "\(event.type.rawValue)", "broadcaster_id": "\(event.broadcasterID)", "error": "\(error)"])
        }
    }
}
