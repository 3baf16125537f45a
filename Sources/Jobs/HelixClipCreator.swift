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

    public func createConfirmedClip(broadcasterID: String) async throws -> ConfirmedClip {
        let created = try await client.createClip(broadcasterID: broadcasterID)
        let deadline = ContinuousClock.now + confirmWithin
        while true {
            try await Task.sleep(for: min(pollEvery, max(.zero, deadline - ContinuousClock.now)))
            if let clip = try await client.clips(ids: [created.id]).first(where: { $0.id == created.id }) {
                return ConfirmedClip(id: clip.id.rawValue, url: clip.url, editURL: created.editURL, embedURL: clip.embedURL,
                                     thumbnailURL: clip.thumbnailURL, title: clip.title)
            }
            if ContinuousClock.now >= deadline {
                throw TwitchError.clipNotConfirmed(clipID: created.id, window: confirmWithin)
            }
        }
    }
}
