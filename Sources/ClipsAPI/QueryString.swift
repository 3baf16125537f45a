import Foundation

/// A URL's query string as ordered name/value pairs, duplicates kept (so a repeated parameter can be refused).
/// Percent-escapes are decoded; `+` stays a plus sign, so an unescaped ISO 8601 offset (`+02:00`) survives.
public enum QueryString {
    public static func pairs(_ query: String?) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            return (name, value)
        }
    }

    /// A bad escape leaves the text as it is; validation then refuses it with the parameter's own rule.
    private static func decode(_ s: Substring) -> String {
        guard s.contains("%") else { return String(s) }
        return String(s).removingPercentEncoding ?? String(s)
    }
}
