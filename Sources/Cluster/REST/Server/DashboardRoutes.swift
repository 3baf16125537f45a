import Foundation
import Hummingbird

/// The web dashboard (Sources/Cluster/Dashboard): static files served from memory by the JobManager, from the
/// same origin as the REST API, which it calls with relative URLs.
struct DashboardAssets: Sendable {
    struct Asset: Sendable {
        let contentType: String
        let bytes: [UInt8]
    }
    let files: [String: Asset]

    static func load() -> DashboardAssets {
        guard let dir = Bundle.module.url(forResource: "Dashboard", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return DashboardAssets(files: [:]) }
        var files: [String: Asset] = [:]
        for name in names {
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) else { continue }
            files[name] = Asset(contentType: contentType(of: name), bytes: Array(data))
        }
        return DashboardAssets(files: files)
    }

    static func response(_ asset: Asset) -> Response {
        Response(status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "no-cache"],
                 body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }

    /// Module scripts run only with a JavaScript type.
    static func contentType(of name: String) -> String {
        switch (name as NSString).pathExtension {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        default: "application/octet-stream"
        }
    }
}

extension RESTAPI {
    /// `/` and `/index.html` give the page; every other dashboard file by its name.
    func addDashboardRoutes(to router: Router<BasicRequestContext>) {
        let assets = DashboardAssets.load()
        guard let index = assets.files["index.html"] else { return }
        router.get("/") { _, _ in DashboardAssets.response(index) }
        for (name, asset) in assets.files {
            router.get(RouterPath("/\(name)")) { _, _ in DashboardAssets.response(asset) }
        }
    }
}
