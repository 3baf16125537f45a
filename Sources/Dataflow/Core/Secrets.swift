import Foundation
import Synchronization

/// The one place that decides what is a secret and how it is hidden, used by every view of the system: REST
/// (configuration, job parameters, plan, exceptions, environment), log lines and metric labels.
///
/// - A key is sensitive as in Flink's `GlobalConfiguration.isSensitive`: its lower-cased name contains one of
///   `sensitiveKeyFragments`; its value is shown as `******`.
/// - In free text (error messages, URLs, command lines) the password of a URL's user info
///   (`postgresql://user:pw@host`, `redis://:pw@host`, `kafka://user:pw@host`), the value of a sensitive
///   `key=value` pair (JDBC's `?password=`, libpq's `password=…`, `-D twitch.client-secret=…`) and a bearer token
///   (`Authorization: Bearer …`, `OAuth …`) become `******`.
/// - Values seen under sensitive keys (and URL passwords) are remembered for the process, so the same string is
///   hidden wherever else it turns up — an exception that quotes it, a stage named after it.
public enum Secrets {
    public static let hidden = "******"

    /// Flink's `GlobalConfiguration.SENSITIVE_KEYS`, plus `api-key`.
    public static let sensitiveKeyFragments = [
        "password", "secret", "fs.azure.account.key", "apikey", "api-key", "auth-params", "service-key", "token",
        "basic-auth", "jaas.config", "http-headers",
    ]

    /// Remembered secrets shorter than this are not searched for in text (they would hide ordinary words).
    static let minimumRememberedLength = 4
    private static let remembered = Mutex<Set<String>>([])

    public static func isSensitive(key: String) -> Bool {
        let k = key.lowercased()
        return sensitiveKeyFragments.contains { k.contains($0) }
    }

    /// A value as it may be shown under `key`: hidden when the key is sensitive, otherwise with any credentials in it
    /// masked. Remembers what it hid.
    public static func mask(key: String, value: String) -> String {
        if isSensitive(key: key) {
            remember(value)
            return value.isEmpty ? value : hidden
        }
        return mask(value)
    }

    /// Every entry through `mask(key:value:)`.
    public static func mask(_ entries: [String: String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.key, mask(key: $0.key, value: $0.value)) })
    }

    /// Remembers the values of the sensitive keys (and URL passwords) among `entries`, so that `mask(_:)` hides
    /// them in any text — call it where parameters or settings enter a process.
    public static func remember(secretsIn entries: [String: String]) {
        for (key, value) in entries {
            if isSensitive(key: key) { remember(value) } else { _ = mask(value) }
        }
    }

    /// Hides `value` wherever `mask(_:)` meets it from now on.
    public static func remember(_ value: String) {
        let v = value.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r\n\"'"))
        guard v.count >= minimumRememberedLength else { return }
        _ = remembered.withLock { $0.insert(v) }
    }

    /// `text` with URL passwords, sensitive `key=value` values, bearer tokens and remembered secrets replaced by `******`.
    public static func mask(_ text: String) -> String {
        var out = text
        if out.contains("://") { out = maskURLPasswords(out) }
        if out.contains("=") { out = maskSensitivePairs(out) }
        out = maskBearerTokens(out)
        let known = remembered.withLock { $0 }
        for secret in known where out.contains(secret) { out = out.replacing(secret, with: hidden) }
        return out
    }

    // MARK: Patterns

    /// Characters that end a URL's authority (or a value) inside free text.
    private static func endsValue(_ c: Character) -> Bool {
        c.isWhitespace || "\"'<>`,;)]}".contains(c)
    }

    /// `scheme://user:password@host` → `scheme://user:******@host` (the last `@` of the authority separates the host).
    static func maskURLPasswords(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let range = rest.range(of: "://") {
            out += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || endsValue($0) } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                let password = authority[authority.index(after: colon)..<at]
                if !password.isEmpty {
                    remember(String(password))
                    out += authority[...colon] + hidden + authority[at...]
                    rest = rest[authorityEnd...]
                    continue
                }
            }
            out += authority
            rest = rest[authorityEnd...]
        }
        return out + rest
    }

    /// `…password=pw&…`, `password=pw dbname=…`, `-Dtwitch.client-secret=…`: the value of a pair whose key is
    /// sensitive, up to `&`, whitespace or a closing quote.
    static func maskSensitivePairs(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        var keyStart = 0
        while i < chars.count {
            let c = chars[i]
            if c.isLetter || c.isNumber || c == "." || c == "-" || c == "_" {
                i += 1
                continue
            }
            if c == "=" && i > keyStart && isSensitive(key: String(chars[keyStart..<i])) {
                var end = i + 1
                while end < chars.count, chars[end] != "&", !endsValue(chars[end]) { end += 1 }
                out += String(chars[keyStart...i])
                if end > i + 1 {
                    remember(String(chars[(i + 1)..<end]))
                    out += hidden
                }
                i = end
                keyStart = i
                continue
            }
            out += String(chars[keyStart...i])
            i += 1
            keyStart = i
        }
        if keyStart < chars.count { out += String(chars[keyStart...]) }
        return out
    }

    /// `Bearer abc` / `OAuth abc` (Authorization header values) → `Bearer ******`.
    static func maskBearerTokens(_ text: String) -> String {
        guard text.contains("Bearer ") || text.contains("OAuth ") else { return text }
        var out = text
        for scheme in ["Bearer ", "OAuth "] {
            var searchFrom = out.startIndex
            while let r = out.range(of: scheme, range: searchFrom..<out.endIndex) {
                let end = out[r.upperBound...].firstIndex(where: endsValue) ?? out.endIndex
                if end > r.upperBound, out[r.upperBound..<end] != hidden {
                    remember(String(out[r.upperBound..<end]))
                    out.replaceSubrange(r.upperBound..<end, with: hidden)
                }
                searchFrom = out.index(r.upperBound, offsetBy: hidden.count, limitedBy: out.endIndex) ?? out.endIndex
            }
        }
        return out
    }
}
