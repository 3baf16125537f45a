import Foundation
import Dataflow

// Handlers of the cluster-wide endpoints.

extension RESTAPI {
    func addClusterRoutes(to routes: RESTRouteTable) {
        let jm = jobManager
        routes.add(DashboardConfigurationHeaders.self) { _, _ in
            let zone = TimeZone.current
            return DashboardConfiguration(
                refreshInterval: Int64(jm.configuration[ClusterOptions.webRefreshInterval]),
                timezoneName: zone.localizedName(for: .standard, locale: Locale(identifier: "en_US")) ?? zone.identifier,
                timezoneOffset: zone.secondsFromGMT() * 1000, flinkVersion: Self.flinkVersion, flinkRevision: Self.revision,
                features: .init(webSubmit: true, webCancel: true, webRescale: false, webHistory: false))
        }
        routes.add(ClusterOverviewHeaders.self) { _, _ in
            let counts = jm.jobCounts()
            let running = counts.filter { !$0.key.isTerminal }.values.reduce(0, +)
            return ClusterOverview(taskManagers: jm.taskManagers.count, slotsTotal: jm.slotsTotal, slotsAvailable: jm.slotsAvailable,
                                   jobsRunning: running, jobsFinished: counts[.finished] ?? 0, jobsCancelled: counts[.canceled] ?? 0,
                                   jobsFailed: counts[.failed] ?? 0, flinkVersion: Self.flinkVersion, flinkCommit: Self.revision)
        }
        routes.add(ApplicationsOverviewHeaders.self) { _, _ in
            ApplicationsOverview(applications: jm.jobs().map { job in
                .init(id: job.id, name: job.name, startTime: job.startTime, endTime: job.endTime, duration: job.duration,
                      status: job.state.rawValue, jobs: [job.state.rawValue: 1])
            })
        }
        routes.add(ClusterConfigurationInfoHeaders.self) { _, _ in
            jm.configuration.effectiveEntries.map { ConfigurationEntry(key: $0.key, value: Secrets.mask(key: $0.key, value: $0.value)) }
        }
        routes.add(JobManagerEnvironmentHeaders.self) { _, _ in
            #if arch(x86_64)
            let arch = "amd64"
            #else
            let arch = "aarch64"
            #endif
            let info = ProcessInfo.processInfo
            return EnvironmentInfo(jvm: .init(version: "Swift runtime on \(info.operatingSystemVersionString)", arch: arch,
                                              options: info.arguments.map { Secrets.mask($0) }),
                                   classpath: [])
        }
        let statistics = processStatistics
        routes.add(JobManagerMetricsHeaders.self) { query, _ in
            let running = jm.jobCounts().filter { !$0.key.isTerminal }.values.reduce(0, +)
            let values: [(id: String, value: Double)] = [
                ("numRunningJobs", Double(running)), ("taskSlotsAvailable", Double(jm.slotsAvailable)),
                ("taskSlotsTotal", Double(jm.slotsTotal)), ("numRegisteredTaskManagers", Double(jm.taskManagers.count)),
                ("numPendingTaskManagers", 0),
            ] + statistics.sample().metricValues
            return MetricListing.values(values, get: query.get)
        }
    }
}
