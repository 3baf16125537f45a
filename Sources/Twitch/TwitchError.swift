import Foundation

/// Everything a Twitch call can fail with. Messages say what failed and what the contract did about it.
public enum TwitchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 401 after one refresh-and-retry, or a token that cannot be (re)minted.
    case unauthorized(String)
    /// 403: e.g. clips disabled for the channel, user banned, bad client secret.
    case forbidden(String)
    /// 404: for Create Clip, the broadcaster is not live.
    case notFound(String)
    /// 400 with Twitch's message.
    case badRequest(String)
    /// 429 still answered after the bounded retries; `resetAt` from `Ratelimit-Reset`.
    case rateLimited(resetAt: Date?)
    /// 5xx still answered after the bounded retries (a POST is not retried: see `HelixClient`).
    case server(status: Int, message: String)
    /// Another unexpected HTTP status.
    case unexpectedStatus(Int, String)
    /// No response: connection refused, reset, DNS...
    case transport(String)
    /// No complete response within the request timeout.
    case timeout(String)
    /// A response that does not decode as the Helix/OAuth JSON we expect.
    case decoding(String)
    /// Create Clip answered 202 but Get Clips never showed the clip within the window (Twitch: assume it failed).
    case clipNotConfirmed(clipID: TwitchClipID, window: Duration)
    /// Missing or invalid settings (credentials, URLs).
    case configuration(String)

    public var description: String {
        switch self {
        case .unauthorized(let m): "Twitch rejected the token (401): \(m)"
        case .forbidden(let m): "Twitch refused the request (403): \(m)"
        case .notFound(let m): "Twitch found nothing (404): \(m)"
        case .badRequest(let m): "Twitch rejected the request (400): \(m)"
        case .rateLimited(let resetAt):
            "Twitch rate limit still exceeded after retrying (429)" + (resetAt.map { "; bucket resets at \($0)" } ?? "")
        case .server(let status, let m): "Twitch server error \(status): \(m)"
        case .unexpectedStatus(let status, let m): "unexpected HTTP \(status) from Twitch: \(m)"
        case .transport(let m): "cannot reach Twitch: \(m)"
        case .timeout(let m): "Twitch did not answer in time: \(m)"
        case .decoding(let m): "unreadable Twitch response: \(m)"
        case .clipNotConfirmed(let id, let window): "clip \(id) was not visible in Get Clips within \(window); treating it as failed"
        case .configuration(let m): "Twitch configuration: \(m)"
        }
    }

    /// The `kind` label of `twitch_api_errors_total`.
    public var kind: String {
        switch self {
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .badRequest: "bad_request"
        case .rateLimited: "rate_limited"
        case .server: "server"
        case .unexpectedStatus: "unexpected_status"
        case .transport: "transport"
        case .timeout: "timeout"
        case .decoding: "decoding"
        case .clipNotConfirmed: "clip_not_confirmed"
        case .configuration: "configuration"
        }
    }
}
