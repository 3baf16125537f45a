// Handlers of the TaskManager endpoints.

import Dataflow

extension RESTAPI {
    func addTaskManagerRoutes(to routes: RESTRouteTable) {
        let jm = jobManager
        routes.add(TaskManagersHeaders.self) { _, _ in
            TaskManagersInfo(taskmanagers: jm.taskManagers.map { tm in
                TaskManagerInfo(tm.registration, slots: jm.slotReport(of: tm.registration.id), heartbeat: tm.heartbeat())
            })
        }
        routes.add(AggregatedTaskManagerMetricsHeaders.self) { query, _ in
            let selected = query.selection.map(Set.init)
            let entities = jm.taskManagers.filter { selected?.contains($0.registration.id.description) ?? true }.map { tm in
                Dictionary(tm.heartbeat().process.metricValues.map { ($0.id, $0.value) }, uniquingKeysWith: { a, _ in a })
            }
            return MetricListing.aggregated(entities, get: query.get, aggregations: query.aggregations)
        }
        routes.add(TaskManagerDetailsHeaders.self) { p, _ in
            let tm = try taskManager(p.taskManagerID)
            return TaskManagerDetailsInfo(tm.registration, slots: jm.slotReport(of: p.taskManagerID), heartbeat: tm.heartbeat())
        }
        routes.add(TaskManagerMetricsHeaders.self) { query, _ in
            let tm = try taskManager(query.path.taskManagerID)
            let slots = jm.slotReport(of: query.path.taskManagerID)
            let values: [(id: String, value: Double)] = tm.heartbeat().process.metricValues + [
                ("Status.Slots.Total", Double(slots.total)), ("Status.Slots.Free", Double(slots.free)),
            ]
            return MetricListing.values(values, get: query.get)
        }
    }

    private func taskManager(_ id: TaskManagerID) throws(RESTError) -> any TaskManagerGateway {
        guard let tm = jobManager.taskManager(id) else { throw .notFound("TaskManager \(id) does not exist.") }
        return tm
    }
}
