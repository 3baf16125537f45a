// Handlers of the vertex endpoints.

extension RESTAPI {
    func addJobVertexRoutes(to routes: RESTRouteTable) {
        routes.add(JobVertexDetailsHeaders.self) { p, _ in
            let (job, v) = try vertex(p)
            return JobVertexDetailsInfo(job, vertex: v)
        }
        routes.add(SubtasksTimesHeaders.self) { p, _ in
            let (job, v) = try vertex(p)
            return SubtasksTimesInfo(job, vertex: v)
        }
        routes.add(JobVertexTaskManagersHeaders.self) { p, _ in
            let (job, v) = try vertex(p)
            return JobVertexTaskManagersInfo(job, vertex: v)
        }
        routes.add(JobVertexBackPressureHeaders.self) { p, _ in
            let (job, v) = try vertex(p)
            return JobVertexBackPressureInfo(job, vertex: v)
        }
        routes.add(JobVertexWatermarksHeaders.self) { p, _ in
            let (job, v) = try vertex(p)
            return (0..<job.graph.vertices[v].parallelism).compactMap { i in
                job.metrics.inputWatermark(vertex: v, subtask: i).map { MetricValue(id: "\(i).currentInputWatermark", number: Double($0)) }
            }
        }
        routes.add(JobVertexMetricsHeaders.self) { query, _ in
            let (job, v) = try vertex(query.path)
            var available: [(id: String, value: Double)] = []
            for i in 0..<job.graph.vertices[v].parallelism {
                for (id, value) in job.vertexMetricValues(vertex: v, subtask: i).sorted(by: { $0.key < $1.key }) {
                    available.append(("\(i).\(id)", value))
                }
            }
            return MetricListing.values(available, get: query.get)
        }
        routes.add(AggregatedSubtaskMetricsHeaders.self) { query, _ in
            let (job, v) = try vertex(query.path)
            let subtasks = try MetricListing.subtasks(query.selection, parallelism: job.graph.vertices[v].parallelism)
            let entities = subtasks.map { job.vertexMetricValues(vertex: v, subtask: $0) }
            return MetricListing.aggregated(entities, get: query.get, aggregations: query.aggregations)
        }
    }
}
