import Cluster
import Foundation
import HTTPConnector
import Testing

/// The JobManager serves the dashboard from the REST API's origin, with types a browser runs.
@Suite("Dashboard files")
struct DashboardServingTests {
    @Test("/ is the page; its scripts and styles are served with their content types; the API still answers")
    func served() async throws {
        try await TestCluster.with { c in
            let http = try HTTPClient()
            defer { http.shutdown() }
            let page = try await http.execute(HTTPRequest(url: c.restURL + "/"))
            #expect(page.status == 200)
            #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("app.js"))
            for (file, type) in [("app.js", "text/javascript"), ("graph.js", "text/javascript"), ("lib.js", "text/javascript"),
                                 ("style.css", "text/css")] {
                let r = try await http.execute(HTTPRequest(url: c.restURL + "/" + file))
                #expect(r.status == 200, "\(file)")
                #expect(r.headers["content-type"]?.hasPrefix(type) == true, "\(file): \(String(describing: r.headers["content-type"]))")
                #expect(r.body.count > 1000, "\(file)")
            }
            let overview = try await c.raw("/overview")
            #expect(overview.status == 200)
        }
    }
}
