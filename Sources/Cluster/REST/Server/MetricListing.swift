/// Flink's metric listing rules, shared by every metric endpoint.
enum MetricListing {
    /// Without `get`: the ids available. With `get`: the requested ones that exist, with values, in request order.
    static func values(_ available: [(id: String, value: Double)], get: [String]?) -> [MetricValue] {
        guard let get else { return available.map { MetricValue(id: $0.id) } }
        let byID = Dictionary(available.map { ($0.id, $0.value) }, uniquingKeysWith: { a, _ in a })
        return get.compactMap { id in byID[id].map { MetricValue(id: id, number: $0) } }
    }

    /// Over several entities (subtasks, jobs, TaskManagers): ids without `get`; aggregates of the requested ones.
    static func aggregated(_ entities: [[String: Double]], get: [String]?, aggregations: [MetricAggregation]?) -> [AggregatedMetric] {
        guard let get else {
            var seen: Set<String> = []
            var ids: [String] = []
            for e in entities { for id in e.keys.sorted() where seen.insert(id).inserted { ids.append(id) } }
            return ids.map { AggregatedMetric(id: $0) }
        }
        return get.compactMap { id in
            let values = entities.compactMap { $0[id] }
            guard !values.isEmpty else { return nil }
            return AggregatedMetric(id: id, values: values, aggregations: aggregations ?? MetricAggregation.allCases)
        }
    }

    /// Flink's `subtasks=0,2-3` selection; nil selects all.
    static func subtasks(_ selection: [String]?, parallelism: Int) throws(RESTError) -> [Int] {
        guard let selection else { return Array(0..<parallelism) }
        var out: [Int] = []
        for item in selection {
            let bounds = item.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard let low = bounds.first ?? nil, bounds.count <= 2, let high = bounds.count == 2 ? bounds[1] : low, low <= high else {
                throw .badRequest("Bad request, could not parse parameters: Cannot resolve query parameter (subtasks) from value \"\(item)\".")
            }
            out += (low...high).filter { $0 < parallelism }
        }
        return out
    }
}
