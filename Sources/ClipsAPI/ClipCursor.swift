import Foundation

/// The position after the last clip of a page, in the API's order (created_at, anomaly_id), newest first.
/// Opaque to clients: base64url of `v1`, the creation time exactly as PostgreSQL wrote it (microseconds, so no
/// two rows collapse onto one position) and the anomaly id. A keyset cursor, so rows inserted while a client pages
/// never shift the pages it has yet to read.
public struct ClipCursor: Hashable, Sendable {
    /// PostgreSQL's text form of `created_at`, e.g. `2024-05-01 12:34:56.789123+00`.
    public let createdAt: String
    public let anomalyID: AnomalyID

    public init(createdAt: String, anomalyID: AnomalyID) {
        self.createdAt = createdAt
        self.anomalyID = anomalyID
    }

    private static let version = "v1"

    public var encoded: String {
        let plain = "\(Self.version)\n\(createdAt)\n\(anomalyID.rawValue)"
        return Data(plain.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Nil for anything this API did not issue.
    public init?(encoded: String) {
        guard !encoded.isEmpty, encoded.utf8.count <= 512 else { return nil }
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8) else { return nil }
        let parts = plain.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.version, Timestamp.parseMicros(parts[1]) != nil,
              !parts[2].isEmpty, !parts[2].utf8.contains(0) else { return nil }
        self.init(createdAt: String(parts[1]), anomalyID: AnomalyID(String(parts[2])))
    }
}
