import Foundation

// Helix response bodies. Decoding is tolerant the way Twitch asks clients to be: unknown fields are ignored,
// optional fields may be missing or null, and numbers may arrive as integers or floats. Only the identity fields
// (`id`, `user_id`, `user_login`, ...) are required; anything unreadable is a `TwitchError.decoding`, never a crash.

/// One entry of Get Streams (`type: live`).
public struct HelixStream: Sendable, Equatable, Decodable {
    public var id: TwitchStreamID
    public var userID: TwitchUserID
    public var userLogin: String
    public var userName: String
    public var gameID: String
    public var gameName: String
    public var type: String
    public var title: String
    public var tags: [String]
    public var viewerCount: Int
    /// RFC3339 `started_at`; nil when missing or unreadable.
    public var startedAt: Date?
    public var language: String
    public var thumbnailURL: String
    public var isMature: Bool

    enum CodingKeys: String, CodingKey {
        case id, type, title, tags, language
        case userID = "user_id", userLogin = "user_login", userName = "user_name", gameID = "game_id", gameName = "game_name"
        case viewerCount = "viewer_count", startedAt = "started_at", thumbnailURL = "thumbnail_url", isMature = "is_mature"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(TwitchStreamID.self, forKey: .id)
        userID = try c.decode(TwitchUserID.self, forKey: .userID)
        userLogin = try c.decode(String.self, forKey: .userLogin)
        userName = c.lenientString(.userName) ?? userLogin
        gameID = c.lenientString(.gameID) ?? ""
        gameName = c.lenientString(.gameName) ?? ""
        type = c.lenientString(.type) ?? ""
        title = c.lenientString(.title) ?? ""
        tags = (try? c.decodeIfPresent([String].self, forKey: .tags)) ?? []
        viewerCount = c.lenientInt(.viewerCount) ?? 0
        startedAt = c.lenientString(.startedAt).flatMap(HelixTime.parse)
        language = c.lenientString(.language) ?? ""
        thumbnailURL = c.lenientString(.thumbnailURL) ?? ""
        isMature = (try? c.decodeIfPresent(Bool.self, forKey: .isMature)) ?? false
    }
}

/// One entry of Get Users.
public struct HelixUser: Sendable, Equatable, Decodable {
    public var id: TwitchUserID
    public var login: String
    public var displayName: String
    public var type: String
    public var broadcasterType: String
    public var description: String
    public var profileImageURL: String
    public var createdAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, login, type, description
        case displayName = "display_name", broadcasterType = "broadcaster_type", profileImageURL = "profile_image_url"
        case createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(TwitchUserID.self, forKey: .id)
        login = try c.decode(String.self, forKey: .login)
        displayName = c.lenientString(.displayName) ?? login
        type = c.lenientString(.type) ?? ""
        broadcasterType = c.lenientString(.broadcasterType) ?? ""
        description = c.lenientString(.description) ?? ""
        profileImageURL = c.lenientString(.profileImageURL) ?? ""
        createdAt = c.lenientString(.createdAt).flatMap(HelixTime.parse)
    }
}

/// One entry of Get Clips.
public struct HelixClip: Sendable, Equatable, Decodable {
    public var id: TwitchClipID
    public var url: String
    public var embedURL: String
    public var broadcasterID: TwitchUserID
    public var broadcasterName: String
    public var creatorID: String
    public var creatorName: String
    /// `""` when no VOD exists.
    public var videoID: String
    public var gameID: String
    public var language: String
    public var title: String
    public var viewCount: Int
    public var createdAt: Date?
    public var thumbnailURL: String
    public var duration: Double
    /// Null until Twitch has placed the clip in the VOD (minutes after creation).
    public var vodOffset: Int?
    public var isFeatured: Bool

    enum CodingKeys: String, CodingKey {
        case id, url, language, title, duration
        case embedURL = "embed_url", broadcasterID = "broadcaster_id", broadcasterName = "broadcaster_name"
        case creatorID = "creator_id", creatorName = "creator_name", videoID = "video_id", gameID = "game_id"
        case viewCount = "view_count", createdAt = "created_at", thumbnailURL = "thumbnail_url", vodOffset = "vod_offset"
        case isFeatured = "is_featured"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(TwitchClipID.self, forKey: .id)
        broadcasterID = try c.decode(TwitchUserID.self, forKey: .broadcasterID)
        url = c.lenientString(.url) ?? ""
        embedURL = c.lenientString(.embedURL) ?? ""
        broadcasterName = c.lenientString(.broadcasterName) ?? ""
        creatorID = c.lenientString(.creatorID) ?? ""
        creatorName = c.lenientString(.creatorName) ?? ""
        videoID = c.lenientString(.videoID) ?? ""
        gameID = c.lenientString(.gameID) ?? ""
        language = c.lenientString(.language) ?? ""
        title = c.lenientString(.title) ?? ""
        viewCount = c.lenientInt(.viewCount) ?? 0
        createdAt = c.lenientString(.createdAt).flatMap(HelixTime.parse)
        thumbnailURL = c.lenientString(.thumbnailURL) ?? ""
        duration = c.lenientDouble(.duration) ?? 0
        vodOffset = c.lenientInt(.vodOffset)
        isFeatured = (try? c.decodeIfPresent(Bool.self, forKey: .isFeatured)) ?? false
    }
}

/// Create Clip's 202 answer: the clip is only being processed; confirm it through Get Clips.
public struct CreatedClip: Sendable, Equatable, Decodable {
    public var id: TwitchClipID
    public var editURL: String

    public init(id: TwitchClipID, editURL: String) {
        self.id = id
        self.editURL = editURL
    }

    enum CodingKeys: String, CodingKey { case id, editURL = "edit_url" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(TwitchClipID.self, forKey: .id)
        editURL = c.lenientString(.editURL) ?? ""
    }
}

/// `{"data":[...],"pagination":{"cursor":...}}`; a missing `pagination` or cursor means the last page.
public struct HelixPage<Item: Decodable & Sendable>: Sendable, Decodable {
    public var data: [Item]
    public var cursor: String?

    struct Pagination: Decodable { var cursor: String? }
    enum CodingKeys: String, CodingKey { case data, pagination }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        data = try c.decodeIfPresent([Item].self, forKey: .data) ?? []
        let pagination = try? c.decodeIfPresent(Pagination.self, forKey: .pagination)
        cursor = pagination?.cursor.flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// Helix/OAuth error body `{"error","status","message"}` (every field optional on the wire).
public struct HelixErrorBody: Sendable, Decodable {
    public var error: String?
    public var status: Int?
    public var message: String?
}

/// OAuth `/token` answer (client credentials, refresh, authorization code).
public struct OAuthTokenResponse: Sendable, Decodable {
    public var accessToken: String
    public var refreshToken: String?
    public var expiresIn: Int?
    public var scope: [String]
    public var tokenType: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", refreshToken = "refresh_token", expiresIn = "expires_in", scope
        case tokenType = "token_type"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try c.decode(String.self, forKey: .accessToken)
        refreshToken = c.lenientString(.refreshToken).flatMap { $0.isEmpty ? nil : $0 }
        expiresIn = c.lenientInt(.expiresIn)
        scope = (try? c.decodeIfPresent([String].self, forKey: .scope)) ?? []
        tokenType = c.lenientString(.tokenType)
    }
}

/// OAuth `/validate` answer. App tokens carry no login or user id.
public struct TokenValidation: Sendable, Equatable, Decodable {
    public var clientID: String
    public var login: String?
    public var userID: TwitchUserID?
    public var scopes: [String]
    public var expiresIn: Int?

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id", login, userID = "user_id", scopes, expiresIn = "expires_in"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        clientID = try c.decode(String.self, forKey: .clientID)
        login = c.lenientString(.login)
        userID = c.lenientString(.userID).map(TwitchUserID.init(rawValue:))
        scopes = (try? c.decodeIfPresent([String].self, forKey: .scopes)) ?? []
        expiresIn = c.lenientInt(.expiresIn)
    }
}

/// Decodes Helix/OAuth bodies into our types; every failure becomes `TwitchError.decoding` naming what was read.
public enum HelixDecoding {
    public static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], what: String) throws(TwitchError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            let prefix = String(decoding: body.prefix(120), as: UTF8.self)
            throw TwitchError.decoding("\(what): \(describe(error)) (body starts: \(prefix.debugDescription))")
        }
    }

    public static func streams(_ body: [UInt8]) throws(TwitchError) -> HelixPage<HelixStream> {
        try decode(HelixPage<HelixStream>.self, from: body, what: "Get Streams")
    }
    public static func users(_ body: [UInt8]) throws(TwitchError) -> HelixPage<HelixUser> {
        try decode(HelixPage<HelixUser>.self, from: body, what: "Get Users")
    }
    public static func clips(_ body: [UInt8]) throws(TwitchError) -> HelixPage<HelixClip> {
        try decode(HelixPage<HelixClip>.self, from: body, what: "Get Clips")
    }
    public static func createdClip(_ body: [UInt8]) throws(TwitchError) -> CreatedClip {
        let page = try decode(HelixPage<CreatedClip>.self, from: body, what: "Create Clip")
        guard let clip = page.data.first else { throw TwitchError.decoding("Create Clip: `data` is empty") }
        return clip
    }

    /// Twitch's error message from an error body, or the body's start when it is not the usual shape.
    static func errorMessage(_ body: [UInt8]) -> String {
        if let error = try? JSONDecoder().decode(HelixErrorBody.self, from: Data(body)), let message = error.message {
            return message
        }
        return String(decoding: body.prefix(200), as: UTF8.self)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing field \(path(context.codingPath + [key]))"
        case DecodingError.typeMismatch(let type, let context):
            "field \(path(context.codingPath)) is not \(type)"
        case DecodingError.valueNotFound(let type, let context):
            "field \(path(context.codingPath)) is null, expected \(type)"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty ? "not valid JSON" : "field \(path(context.codingPath)) is corrupted"
        default:
            "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

/// RFC3339 timestamps as Helix writes them (with or without fractional seconds).
enum HelixTime {
    static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}

extension KeyedDecodingContainer {
    /// A string field, tolerating absence, null and a wrong type (then nil).
    func lenientString(_ key: Key) -> String? {
        if let s = try? decodeIfPresent(String.self, forKey: key) { return s }
        if let i = try? decodeIfPresent(Int.self, forKey: key) { return String(i) }
        return nil
    }

    /// An integer field that may arrive as an integer, a float or a numeric string.
    func lenientInt(_ key: Key) -> Int? {
        if let i = try? decodeIfPresent(Int.self, forKey: key) { return i }
        if let d = try? decodeIfPresent(Double.self, forKey: key), d.isFinite, abs(d) < 9e15 { return Int(d) }
        if let s = try? decodeIfPresent(String.self, forKey: key) { return Int(s) }
        return nil
    }

    func lenientDouble(_ key: Key) -> Double? {
        if let d = try? decodeIfPresent(Double.self, forKey: key), d.isFinite { return d }
        if let s = try? decodeIfPresent(String.self, forKey: key) { return Double(s) }
        return nil
    }
}
