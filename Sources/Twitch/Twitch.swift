/// Twitch as a client sees it: OAuth tokens, Helix (Get Streams, Get Users, Create Clip, Get Clips) and IRC chat.
/// Real Twitch and our fake differ only by base URL (`TwitchEndpoints`).
///
/// HTTP side:
/// - `TwitchCredentials` and `TwitchEndpoints` (both readable from the environment).
/// - `TwitchAuth`: app token (client credentials, re-minted on 401), user token (refresh token), single-flight
///   renewal, `validate()` at start and `startPeriodicValidation()` hourly.
/// - `HelixClient`: the calls, with rate-limit, 5xx and 401 recovery; `createClipConfirmed` polls Get Clips.
/// - `TwitchError` for every failure, `TwitchAPIMetrics` for counts, `TwitchClientConfiguration` for every default.
public enum Twitch {}
