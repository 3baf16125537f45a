import Foundation
import Hummingbird

/// Clip thumbnails the fake can actually serve: an SVG card with the channel's colours, name and clip title, so the
/// clips page shows real images offline. Unknown clip ids get 404 like a CDN would.
extension FakeTwitchHTTPServer {
    func thumbnail(_ file: String) -> Response {
        let id = file.hasSuffix(".svg") ? String(file.dropLast(4)) : file
        guard let clip = clips.all().first(where: { $0.id == id }) else {
            return FakeHTTPResponse.error(.notFound, "no clip \(id)")
        }
        let svg = Self.thumbnailSVG(channel: clip.broadcasterName, title: clip.title, seed: clip.broadcasterID)
        var headers = HTTPFields()
        headers[.contentType] = "image/svg+xml"
        headers[.cacheControl] = "public, max-age=86400"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: svg)))
    }

    static func thumbnailSVG(channel: String, title: String, seed: String) -> String {
        // Two hues from a stable hash of the broadcaster: each channel keeps its colours.
        let hash = seed.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }
        let hue1 = Int(hash % 360), hue2 = (Int(hash / 360 % 360) + 60) % 360
        let initial = channel.first.map { String($0).uppercased() } ?? "?"
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="480" height="272" viewBox="0 0 480 272">
            <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
            <stop offset="0" stop-color="hsl(\(hue1),70%,45%)"/><stop offset="1" stop-color="hsl(\(hue2),75%,30%)"/>
            </linearGradient></defs>
            <rect width="480" height="272" fill="url(#g)"/>
            <circle cx="240" cy="118" r="54" fill="rgba(255,255,255,0.18)"/>
            <text x="240" y="140" font-family="sans-serif" font-size="64" font-weight="700" fill="#fff" text-anchor="middle">\(escape(initial))</text>
            <text x="240" y="212" font-family="sans-serif" font-size="24" font-weight="600" fill="#fff" text-anchor="middle">\(escape(channel))</text>
            <text x="240" y="244" font-family="sans-serif" font-size="16" fill="rgba(255,255,255,0.85)" text-anchor="middle">\(escape(String(title.prefix(48))))</text>
            <polygon points="452,20 452,44 472,32" fill="rgba(255,255,255,0.8)"/>
            </svg>
            """
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
