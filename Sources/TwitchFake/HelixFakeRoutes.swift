import Foundation
import Hummingbird

/// What a Helix handler sees after the common checks passed.
struct HelixCall {
    var parameters: FakeHTTPParameters
    var token: OAuthIssuedToken
    var tokenKey: String
    /// Rate-limit headers every answer carries.
    var headers: HTTPFields
}

/// `/helix/streams|users|clips` (twitch.md §2–4, §8 items 6–15). Every answer passes through `helix(_:_:)`:
/// injected latency, forced statuses and error rate, token check, then the per-token bucket.
extension FakeTwitchHTTPServer {
    func helix(_ request: Request, endpoint: String, _ handler: (HelixCall) -> Response) async -> Response {
        recordRequest(endpoint)
        await injectedLatency(endpoint: endpoint)
        let bearer = request.headers[.authorization].flatMap { header -> String? in
            header.lowercased().hasPrefix("bearer ") ? String(header.dropFirst(7)) : nil
        }
        let tokenKey = "token:\(bearer ?? "-")"
        switch faultSwitch.decide(endpoint: endpoint) {
        case .forced(let status):
            var headers = rateLimitHeaders(helixBuckets.peek(tokenKey))
            if status == 429 {
                let reset = Int((Date().timeIntervalSince1970 + configuration.forcedRateLimitReset).rounded(.up))
                headers = rateLimitHeaders(RateLimitVerdict(allowed: false, limit: configuration.rateLimit, remaining: 0, resetEpoch: reset))
            }
            let status = HTTPResponse.Status(code: status)
            return FakeHTTPResponse.error(status, "injected fault (\(status.code))", headers: headers)
        case .proceed:
            break
        }
        let token: OAuthIssuedToken
        do {
            token = try tokens.authorize(token: bearer, clientID: request.headers[.clientID])
        } catch {
            return FakeHTTPResponse.error(.unauthorized, error.helixMessage, headers: rateLimitHeaders(helixBuckets.peek(tokenKey)))
        }
        let verdict = helixBuckets.consume(tokenKey)
        let headers = rateLimitHeaders(verdict)
        guard verdict.allowed else {
            return FakeHTTPResponse.error(.tooManyRequests, "Too Many Requests", headers: headers)
        }
        let call = HelixCall(parameters: FakeHTTPParameters(FakeHTTPForm.parse(request.uri.query)), token: token,
                             tokenKey: tokenKey, headers: headers)
        return handler(call)
    }

    func rateLimitHeaders(_ verdict: RateLimitVerdict) -> HTTPFields {
        [.rateLimitLimit: String(verdict.limit), .rateLimitRemaining: String(verdict.remaining),
         .rateLimitReset: String(verdict.resetEpoch)]
    }

    // MARK: Get Streams

    func getStreams(_ call: HelixCall) -> Response {
        let p = call.parameters
        let type = p.first("type") ?? "all"
        guard type == "all" || type == "live" else {
            return FakeHTTPResponse.error(.badRequest, "The parameter \"type\" was malformed: the value must be \"all\" or \"live\"", headers: call.headers)
        }
        for name in ["user_id", "user_login", "game_id", "language"] where p.all(name).count > 100 {
            return FakeHTTPResponse.error(.badRequest, "you may only send 100 of each parameter (\(name))", headers: call.headers)
        }
        let first = p.first("first").map { Int($0) } ?? 20
        guard let first, (1...100).contains(first) else {
            return FakeHTTPResponse.error(.badRequest, "The parameter \"first\" must be between 1 and 100", headers: call.headers)
        }
        if p.has("after") && p.has("before") {
            return FakeHTTPResponse.error(.badRequest, "after and before are mutually exclusive", headers: call.headers)
        }
        let ids = Set(p.all("user_id")), logins = Set(p.all("user_login").map { $0.lowercased() })
        let games = Set(p.all("game_id")), languages = Set(p.all("language"))
        var streams = live.liveStreams().filter { stream in
            (ids.isEmpty && logins.isEmpty || ids.contains(stream.channel.id) || logins.contains(stream.channel.login))
                && (games.isEmpty || games.contains(stream.gameID))
                && (languages.isEmpty || languages.contains("en"))
        }
        streams.sort { ($0.viewerCount, $1.channel.id) > ($1.viewerCount, $0.channel.id) }
        // Cursor: opaque base64 of the offset of the next page.
        var offset = 0
        if let cursor = p.first("after") ?? p.first("before") {
            guard let decoded = Self.decodeCursor(cursor) else {
                return FakeHTTPResponse.error(.badRequest, "invalid cursor", headers: call.headers)
            }
            offset = p.has("before") ? max(0, decoded - 2 * first) : decoded
        }
        let page = Array(streams.dropFirst(offset).prefix(first))
        let next = offset + page.count
        let pagination: [String: Any] = next < streams.count ? ["cursor": Self.encodeCursor(next)] : [:]
        let data = page.map { stream -> [String: Any] in
            let c = stream.channel
            return ["id": stream.streamID, "user_id": c.id, "user_login": c.login, "user_name": c.displayName,
                    "game_id": stream.gameID, "game_name": c.game ?? "", "type": "live", "title": c.title ?? "",
                    "tags": ["English"], "viewer_count": stream.viewerCount, "started_at": FakeHTTPResponse.rfc3339(stream.startedAt),
                    "language": "en", "thumbnail_url": "https://static-cdn.jtvnw.net/previews-ttv/live_user_\(c.login)-{width}x{height}.jpg",
                    "tag_ids": [String](), "is_mature": false]
        }
        return FakeHTTPResponse.json(.ok, ["data": data, "pagination": pagination], headers: call.headers)
    }

    static func encodeCursor(_ offset: Int) -> String {
        Data("{\"o\":\(offset)}".utf8).base64EncodedString()
    }

    static func decodeCursor(_ cursor: String) -> Int? {
        guard let data = Data(base64Encoded: cursor),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let offset = object["o"] as? Int, offset >= 0 else { return nil }
        return offset
    }

    // MARK: Get Users

    func getUsers(_ call: HelixCall) -> Response {
        let ids = call.parameters.all("id"), logins = call.parameters.all("login").map { $0.lowercased() }
        guard ids.count + logins.count <= 100 else {
            return FakeHTTPResponse.error(.badRequest, "The sum of the id and login parameters may not exceed 100", headers: call.headers)
        }
        var users = live.users
        if ids.isEmpty && logins.isEmpty {
            // No selector: the token's own user (Twitch needs a user token for this).
            guard let userID = call.token.userID else {
                return FakeHTTPResponse.error(.unauthorized, "Missing User OAUTH Token", headers: call.headers)
            }
            users = users.filter { $0.id == userID }
        } else {
            users = users.filter { ids.contains($0.id) || logins.contains($0.login) }
        }
        let data = users.map { user -> [String: Any] in
            ["id": user.id, "login": user.login, "display_name": user.displayName, "type": "",
             "broadcaster_type": user.broadcasterType, "description": "",
             "profile_image_url": "https://static-cdn.jtvnw.net/jtv_user_pictures/\(user.login)-profile_image-300x300.png",
             "offline_image_url": "", "view_count": 0, "created_at": "2016-05-01T00:00:00Z"]
        }
        return FakeHTTPResponse.json(.ok, ["data": data], headers: call.headers)
    }

    // MARK: Create Clip

    func createClip(_ call: HelixCall) -> Response {
        var headers = call.headers
        guard call.token.kind == .user, let userID = call.token.userID else {
            return FakeHTTPResponse.error(.unauthorized, "Missing User OAUTH Token", headers: headers)
        }
        guard call.token.scopes.contains("clips:edit") else {
            return FakeHTTPResponse.error(.unauthorized, "Missing scope: clips:edit", headers: headers)
        }
        let clipVerdict = clipBuckets.consume("clips:\(userID)")
        headers[.clipRateLimitLimit] = String(clipVerdict.limit)
        headers[.clipRateLimitRemaining] = String(clipVerdict.remaining)
        guard clipVerdict.allowed else {
            headers[.rateLimitRemaining] = "0"
            headers[.rateLimitReset] = String(clipVerdict.resetEpoch)
            return FakeHTTPResponse.error(.tooManyRequests, "Clip creation rate limit exceeded", headers: headers)
        }
        let p = call.parameters
        guard let broadcasterID = p.first("broadcaster_id"), !broadcasterID.isEmpty else {
            return FakeHTTPResponse.error(.badRequest, "Missing required parameter \"broadcaster_id\"", headers: headers)
        }
        guard let channel = scenario.channel(id: broadcasterID) else {
            return FakeHTTPResponse.error(.badRequest, "Invalid broadcaster_id \"\(broadcasterID)\"", headers: headers)
        }
        var duration = 30.0
        if let text = p.first("duration") {
            guard let value = Double(text), (5...60).contains(value) else {
                return FakeHTTPResponse.error(.badRequest, "The parameter \"duration\" must be between 5 and 60", headers: headers)
            }
            duration = (value * 10).rounded() / 10
        }
        // `has_delay` (legacy, any capitalisation) is accepted and ignored.
        let faults = faultSwitch.faults
        if faults.clipsForbidden.contains(broadcasterID) {
            return FakeHTTPResponse.error(.forbidden, "Clips are disabled for this channel", headers: headers)
        }
        guard let stream = live.stream(broadcasterID: broadcasterID) else {
            return FakeHTTPResponse.error(.notFound, "Clip cannot be created because the broadcaster is not live", headers: headers)
        }
        let clip = clips.create(broadcasterID: channel.id, broadcasterName: channel.displayName, creatorID: userID,
                                creatorName: call.token.login ?? configuration.botLogin, gameID: stream.gameID,
                                title: p.first("title") ?? channel.title ?? "", duration: duration, streamAge: stream.age,
                                neverVisible: faults.clipFailureMode)
        logger.info("clip \(clip.id) started for \(channel.login)", metadata: ["visible": "\(clip.visibleAt != nil)"])
        return FakeHTTPResponse.json(.accepted, ["data": [["id": clip.id, "edit_url": "https://www.twitch.tv/\(channel.login)/clip/\(clip.id)"]]],
                                     headers: headers)
    }

    // MARK: Get Clips

    func getClips(_ call: HelixCall) -> Response {
        let p = call.parameters
        let selectors = ["id", "broadcaster_id", "game_id"].filter { p.has($0) }
        guard selectors.count == 1 else {
            return FakeHTTPResponse.error(.badRequest, "Exactly one of id, broadcaster_id or game_id is required", headers: call.headers)
        }
        guard p.all("id").count <= 100 else {
            return FakeHTTPResponse.error(.badRequest, "you may only send 100 ids", headers: call.headers)
        }
        let now = Date().timeIntervalSince1970
        let found: [FakeClipRecord]
        switch selectors[0] {
        case "id": found = clips.visible(ids: p.all("id"), now: now)
        case "broadcaster_id":
            let id = p.first("broadcaster_id") ?? ""
            found = Array(clips.visible(where: { $0.broadcasterID == id }, now: now).prefix(Int(p.first("first") ?? "") ?? 20))
        default:
            let id = p.first("game_id") ?? ""
            found = Array(clips.visible(where: { $0.gameID == id }, now: now).prefix(Int(p.first("first") ?? "") ?? 20))
        }
        var body: [String: Any] = ["data": found.map { clipJSON($0, now: now) }]
        if selectors[0] != "id" { body["pagination"] = [String: Any]() }
        return FakeHTTPResponse.json(.ok, body, headers: call.headers)
    }

    func clipJSON(_ clip: FakeClipRecord, now: Double) -> [String: Any] {
        let login = scenario.channel(id: clip.broadcasterID)?.login ?? clip.broadcasterID
        let vodReady = clip.vodOffsetAt.map { now >= $0 } ?? false
        return [
            "id": clip.id, "url": "https://clips.twitch.tv/\(clip.id)", "embed_url": "https://clips.twitch.tv/embed?clip=\(clip.id)",
            "broadcaster_id": clip.broadcasterID, "broadcaster_name": clip.broadcasterName,
            "creator_id": clip.creatorID, "creator_name": clip.creatorName,
            "video_id": vodReady ? String(FakeHTTPRandom.stableHash("vod/\(login)") % 1_000_000_000) : "",
            "game_id": clip.gameID, "language": "en", "title": clip.title, "view_count": 0,
            "created_at": FakeHTTPResponse.rfc3339(Date(timeIntervalSince1970: clip.createdAt)),
            "thumbnail_url": configuration.thumbnailBaseURL.map { "\($0)/_fake/thumbnails/\(clip.id).svg" }
                ?? "https://clips-media-assets2.twitch.tv/\(clip.id)-preview-480x272.jpg",
            "duration": clip.duration, "vod_offset": vodReady ? clip.vodOffset as Any : NSNull(), "is_featured": false,
        ]
    }
}
