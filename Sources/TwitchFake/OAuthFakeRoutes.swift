import Foundation
import Hummingbird

/// `/oauth2/token`, `/oauth2/validate`, `/oauth2/revoke` as Twitch answers them (twitch.md §1, §8 items 1–5).
extension FakeTwitchHTTPServer {
    /// Parameters from the query string and a form body together: real clients send either.
    private func oauthParameters(_ request: Request) async -> FakeHTTPParameters {
        var request = request
        var pairs = FakeHTTPForm.parse(request.uri.query)
        if let body = try? await request.collectBody(upTo: 64 * 1024), body.readableBytes > 0 {
            pairs += FakeHTTPForm.parse(String(buffer: body))
        }
        return FakeHTTPParameters(pairs)
    }

    func token(_ request: Request) async -> Response {
        await injectedLatency()
        let params = await oauthParameters(request)
        do {
            try tokens.checkClient(id: params.first("client_id"), secret: params.first("client_secret"))
        } catch .unknownClient {
            return FakeHTTPResponse.json(.badRequest, ["status": 400, "message": "invalid client"])
        } catch {
            // Refresh without a secret is allowed for public clients; a wrong one never is.
            if !(params.first("grant_type") == "refresh_token" && params.first("client_secret") == nil) {
                return FakeHTTPResponse.json(.forbidden, ["status": 403, "message": "invalid client secret"])
            }
        }
        switch params.first("grant_type") {
        case "client_credentials":
            let (token, info) = tokens.issueAppToken()
            return FakeHTTPResponse.json(.ok, ["access_token": token, "expires_in": tokens.seconds(untilExpiry: info),
                                               "token_type": "bearer"])
        case "refresh_token":
            guard let refresh = params.first("refresh_token"), let issued = tokens.refresh(refresh) else {
                return FakeHTTPResponse.json(.badRequest, ["error": "Bad Request", "status": 400, "message": "Invalid refresh token"])
            }
            return userTokenResponse(issued)
        case "authorization_code":
            guard let code = params.first("code"), let issued = tokens.exchange(code: code) else {
                return FakeHTTPResponse.json(.badRequest, ["error": "Bad Request", "status": 400, "message": "Invalid authorization code"])
            }
            return userTokenResponse(issued)
        default:
            return FakeHTTPResponse.json(.badRequest, ["error": "Bad Request", "status": 400, "message": "Invalid grant type"])
        }
    }

    private func userTokenResponse(_ issued: (token: String, refresh: String, info: OAuthIssuedToken)) -> Response {
        FakeHTTPResponse.json(.ok, ["access_token": issued.token, "refresh_token": issued.refresh,
                                    "expires_in": tokens.seconds(untilExpiry: issued.info), "scope": issued.info.scopes,
                                    "token_type": "bearer"])
    }

    func validate(_ request: Request) async -> Response {
        await injectedLatency()
        let header = request.headers[.authorization] ?? ""
        let token = ["OAuth ", "Bearer ", "oauth ", "bearer "].first { header.hasPrefix($0) }.map { String(header.dropFirst($0.count)) }
        guard let token, let info = tokens.lookup(token) else {
            return FakeHTTPResponse.json(.unauthorized, ["status": 401, "message": "invalid access token"])
        }
        var body: [String: Any] = ["client_id": info.clientID, "scopes": info.scopes, "expires_in": tokens.seconds(untilExpiry: info)]
        if let login = info.login { body["login"] = login }
        if let userID = info.userID { body["user_id"] = userID }
        return FakeHTTPResponse.json(.ok, body)
    }

    func revoke(_ request: Request) async -> Response {
        await injectedLatency()
        let params = await oauthParameters(request)
        guard params.first("client_id") == configuration.clientID else {
            return FakeHTTPResponse.json(.notFound, ["status": 404, "message": "client does not exist"])
        }
        guard let token = params.first("token"), tokens.revoke(token) else {
            return FakeHTTPResponse.json(.badRequest, ["status": 400, "message": "Invalid token"])
        }
        return Response(status: .ok)
    }
}
