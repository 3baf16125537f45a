/// Twitch as a client sees it: OAuth tokens, Helix (Get Streams, Create Clip, Get Clips) and IRC chat.
/// Real Twitch and our fake differ only by base URL (`TwitchEndpoints`).
public enum Twitch {}
