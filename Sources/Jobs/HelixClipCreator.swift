import Foundation
import Twitch

/// Creates clips through Helix: Create Clip (202), then Get Clips until Twitch shows the clip (DESIGN.md §8 step 5).
/// Its own confirmation loop keeps Create Clip's `edit_url`, which Get Clips does not return.
public struct HelixClipCreator: ClipCreating {
    public let client: HelixClient
    /// How long one attempt waits for the clip to appear; within the stage's 10 s budget.
    public let confirmWithin: Duration
    public let pollEvery: Duration

    public init(client: HelixClient, confirmWithin: Duration = .seconds(8), pollEvery: Duration = .milliseconds(500)) {
        self.client = client; self.confirmWithin = confirmWithin; self.pollEvery = pollEvery
    }

    /// Endpoints and credentials from the environment (`TWITCH_API_BASE_URL`, `TWITCH_CLIENT_ID`, …).
    public static func fromEnvironment() throws -> HelixClipCreator {
        HelixClipCreator(client: try HelixClient(endpoints: try TwitchEndpoints.fromEnvironment(),
                                                 credentials: try TwitchCredentials.fromEnvironment()))
    }

    /// One Create Clip request: `HelixClient` does not repeat a POST on 5xx or a lost answer (it may have created
    /// the clip); the stage's policy owns the retries and `CreateClip` the durable clip id.
    public func createClip(broadcasterID: String) async throws -> PendingClip {
        let created = try await client.createClip(broadcasterID: broadcasterID)
        return PendingClip(id: created.id.rawValue, editURL: created.editURL)
    }

    public func confirmClip(_ pending: PendingClip) async throws -> ConfirmedClip {
        let id = TwitchClipID(pending.id)
        let deadline = ContinuousClock.now + confirmWithin
        while true {
            try await Task.sleep(for: min(pollEvery, max(.zero, deadline - ContinuousClock.now)))
            if let clip = try await client.clips(ids: [id]).first(where: { $0.id == id }) {
                return ConfirmedClip(id: clip.id.rawValue, url: clip.url, editURL: pending.editURL, embedURL: clip.embedURL,
                                     thumbnailURL: clip.thumbnailURL, title: clip.title)
            }
            if ContinuousClock.now >= deadline {
                throw TwitchError.clipNotConfirmed(clipID: id, window: confirmWithin)
            }
        }
    }
}
