// Handlers of the dashboard's submit page.

extension RESTAPI {
    func addJarRoutes(to routes: RESTRouteTable) {
        let jm = jobManager
        routes.add(JarListHeaders.self) { _, _ in
            let address = "http://\(jm.configuration.restAddress):\(jm.configuration.restPort)"
            return JarListInfo(address: address, files: jm.catalog().map { entry in
                .init(id: entry.name, name: entry.name, uploaded: jm.startedAt, entry: [.init(name: entry.name, description: entry.summary)],
                      parallelism: entry.parallelism, parameters: entry.parameters)
            })
        }
        routes.add(JarRunHeaders.self) { query, body in
            let arguments = body.programArgsList ?? Self.splitArguments(body.programArgs ?? query.programArgs ?? "")
            let submission = JobSubmission(job: query.jarID, parallelism: body.parallelism ?? query.parallelism,
                                           parameters: try Self.parameters(from: arguments))
            do {
                return JarRunResponseBody(jobID: try jm.submit(submission))
            } catch let error as JobSubmissionError {
                switch error {
                case .invalid(let message): throw RESTError.badRequest(message)
                case .noResources(let message): throw RESTError.conflict(message)
                }
            }
        }
    }

    public static func splitArguments(_ text: String) -> [String] {
        text.split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// `--name value` and `name=value` arguments as job parameters.
    public static func parameters(from arguments: [String]) throws(RESTError) -> [String: String] {
        var out: [String: String] = [:]
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a.hasPrefix("--"), i + 1 < arguments.count {
                out[String(a.dropFirst(2))] = arguments[i + 1]
                i += 2
            } else if let eq = a.firstIndex(of: "="), eq != a.startIndex {
                out[String(a[..<eq])] = String(a[a.index(after: eq)...])
                i += 1
            } else {
                throw .badRequest("program argument '\(a)' is neither --name value nor name=value")
            }
        }
        return out
    }
}
