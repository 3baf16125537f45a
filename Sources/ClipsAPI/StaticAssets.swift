import Foundation
import Hummingbird

/// The viewers' page (Sources/ClipsAPI/Static), read once at start and served from memory.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        let contentType: String
        let bytes: ByteBuffer
    }
    let files: [String: Asset]

    static func load() -> StaticAssets {
        guard let dir = Bundle.module.url(forResource: "Static", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return StaticAssets(files: [:]) }
        var files: [String: Asset] = [:]
        for name in names {
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) else { continue }
            files[name] = Asset(contentType: contentType(of: name), bytes: ByteBuffer(bytes: Array(data)))
        }
        if let spec = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
           let data = FileManager.default.contents(atPath: spec.path) {
            files["openapi.yaml"] = Asset(contentType: "application/yaml; charset=utf-8", bytes: ByteBuffer(bytes: Array(data)))
        }
        return StaticAssets(files: files)
    }

    static func contentType(of name: String) -> String {
        switch (name as NSString).pathExtension {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "json": "application/json"
        case "yaml": "application/yaml; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    func response(_ name: String) -> Response? {
        guard let asset = files[name] else { return nil }
        return Response(status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "no-cache"],
                        body: .init(byteBuffer: asset.bytes))
    }
}
