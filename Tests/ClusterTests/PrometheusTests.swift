import Cluster
import Dataflow
import Foundation
import Testing

/// A strict reader of the Prometheus text format (0.0.4): HELP and TYPE before a family's samples, names and
/// label names from the allowed alphabet, quoted label values, a number per sample.
struct Exposition {
    struct Sample {
        let name: String
        let labels: [String: String]
        let value: Double
    }
    var samples: [Sample] = []
    var help: [String: String] = [:]
    var types: [String: String] = [:]

    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst(7)
                let name = String(rest.prefix { $0 != " " })
                help[name] = String(rest.dropFirst(name.count + 1))
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                guard parts.count == 2, ["gauge", "counter", "summary", "histogram", "untyped"].contains(String(parts[1])) else {
                    throw TestFailure("bad TYPE line: \(line)")
                }
                types[String(parts[0])] = String(parts[1])
            } else if line.hasPrefix("#") {
                continue
            } else {
                samples.append(try Self.sample(line))
                guard types[samples.last!.name] != nil, help[samples.last!.name] != nil else {
                    throw TestFailure("sample before its HELP and TYPE: \(line)")
                }
            }
        }
    }

    static func sample(_ line: String) throws -> Sample {
        let chars = Array(line)
        var i = 0
        func isNameChar(_ c: Character, first: Bool) -> Bool {
            c.isASCII && (c.isLetter || c == "_" || c == ":" || (!first && c.isNumber))
        }
        var name = ""
        while i < chars.count, isNameChar(chars[i], first: name.isEmpty) { name.append(chars[i]); i += 1 }
        guard !name.isEmpty else { throw TestFailure("no metric name: \(line)") }
        var labels: [String: String] = [:]
        if i < chars.count, chars[i] == "{" {
            i += 1
            while i < chars.count, chars[i] != "}" {
                var label = ""
                while i < chars.count, isNameChar(chars[i], first: label.isEmpty), chars[i] != ":" { label.append(chars[i]); i += 1 }
                guard i + 1 < chars.count, chars[i] == "=", chars[i + 1] == "\"" else { throw TestFailure("bad label in: \(line)") }
                i += 2
                var value = ""
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\" { i += 1 }
                    value.append(chars[i]); i += 1
                }
                i += 1
                guard labels.updateValue(value, forKey: label) == nil else { throw TestFailure("duplicate label \(label): \(line)") }
                if i < chars.count, chars[i] == "," { i += 1 }
            }
            i += 1
        }
        guard i < chars.count, chars[i] == " ", let value = Double(String(chars[(i + 1)...]).replacingOccurrences(of: "+Inf", with: "inf")) else {
            throw TestFailure("bad value in: \(line)")
        }
        return Sample(name: name, labels: labels, value: value)
    }

    func first(_ name: String, where match: (Sample) -> Bool = { _ in true }) -> Sample? {
        samples.first { $0.name == name && match($0) }
    }
}

@Suite("Prometheus endpoint with Flink's reporter names and labels")
struct PrometheusTests {
    @Test("Flink's own output reads with our reader (the reader is right about the format)")
    func readsFlinkSample() throws {
        let flink = try Exposition(FlinkSamples.prometheus)
        #expect(flink.first("flink_jobmanager_taskSlotsTotal")?.value == 4)
    }

    @Test("cluster, job, task and operator metrics, with the labels of Flink's reporter")
    func scrape() async throws {
        try await TestCluster.with { c in
            let id = try await c.submit("endless", parallelism: 2)
            _ = try await c.waitForState(id, [.running])
            var ours = try Exposition(try await c.scrape())
            try await c.waitUntil("every event was sent and windows were tallied") {
                ours = try Exposition(try await c.scrape())
                let sent = ours.first("flink_taskmanager_job_task_numRecordsOut") { $0.labels["task_name"]?.hasPrefix("Source:") == true }
                return (ours.first("flink_taskmanager_job_task_operator_windows_tallied")?.value ?? 0) > 0 && sent?.value == 5000
            }
            let flink = try Exposition(FlinkSamples.prometheus)

            #expect(ours.first("flink_jobmanager_numRunningJobs")?.value == 1)
            #expect(ours.first("flink_jobmanager_taskSlotsAvailable")?.value == 2)
            #expect(ours.first("flink_jobmanager_taskSlotsTotal")?.value == 4)
            #expect(ours.first("flink_jobmanager_numRegisteredTaskManagers")?.value == 1)
            #expect(ours.help["flink_jobmanager_numRunningJobs"] == "numRunningJobs (scope: jobmanager)")
            #expect(ours.types["flink_jobmanager_numRunningJobs"] == "gauge")

            // Every family we share with Flink's sample carries exactly Flink's label names.
            for name in ["flink_jobmanager_numRunningJobs", "flink_jobmanager_job_uptime", "flink_taskmanager_job_task_numRecordsIn",
                         "flink_taskmanager_job_task_operator_numRecordsIn", "flink_taskmanager_job_task_operator_currentInputWatermark",
                         "flink_taskmanager_job_task_currentInputWatermark"] {
                let mine = try #require(ours.first(name), "no \(name)")
                let theirs = try #require(flink.first(name))
                #expect(Set(mine.labels.keys) == Set(theirs.labels.keys), "\(name) labels")
                #expect(ours.help[name] == flink.help[name], "\(name) HELP")
            }

            let tally = try #require(ours.first("flink_taskmanager_job_task_operator_windows_tallied"))
            // A key-value group (`key.k3.windows_tallied`): the key joins the name, the value is a label, as in Flink.
            let perKey = try #require(ours.first("flink_taskmanager_job_task_operator_key_windows_tallied") { $0.labels["key"] == "k3" })
            #expect(perKey.value > 0 && perKey.labels["operator_name"] == "tally")
            #expect(ours.first("flink_taskmanager_job_task_operator_key_k3_windows_tallied") == nil)
            #expect(tally.labels["operator_name"] == "tally")
            #expect(tally.labels["job_id"] == id.description)
            #expect(tally.labels["job_name"] == "endless")
            #expect(isFlinkID(tally.labels["task_id"]) && isFlinkID(tally.labels["operator_id"]) && isFlinkID(tally.labels["tm_id"]))
            #expect(ours.help["flink_taskmanager_job_task_operator_windows_tallied"] == "windows_tallied (scope: taskmanager_job_task_operator)")

            // Label values filtered as Flink's reporter does: `Source: events -> keep-all` becomes `Source:_events____keep_all`.
            let sourceTask = try #require(ours.first("flink_taskmanager_job_task_numRecordsOut") { $0.labels["task_name"]?.hasPrefix("Source:") == true })
            #expect(sourceTask.labels["task_name"] == "Source:_events____keep_all")
            #expect(sourceTask.value == 5000)
            #expect(ours.first("flink_taskmanager_job_task_operator_numRecordsOut") { $0.labels["operator_name"] == "Source:_events" }?.value == 5000)
            // The chain head's operator id is its task's id, as in Flink.
            let head = try #require(ours.first("flink_taskmanager_job_task_operator_numRecordsIn") { $0.labels["operator_name"] == "counts" })
            #expect(head.labels["operator_id"] == head.labels["task_id"])

            let windowMark = try #require(ours.first("flink_taskmanager_job_task_currentInputWatermark") { $0.labels["task_name"] == "counts" })
            #expect(windowMark.value > 0)

            try await ClusterClient(rest: c.client).cancel(id)
            _ = try await c.waitForState(id, [.canceled])
            let after = try Exposition(try await c.scrape())
            #expect(after.first("flink_jobmanager_numRunningJobs")?.value == 0)
            #expect(after.first("flink_taskmanager_job_task_numRecordsIn") == nil, "an ended job's task metrics are gone, as in Flink")
        }
    }

    @Test("the writer escapes label values and names families once")
    func writer() throws {
        let text = PrometheusText.render([
            PrometheusFamily(name: "flink_x", help: "x (scope: jobmanager)", type: "gauge",
                             samples: [.init(labels: [("a", "q\"uote\\back")], value: 1.5), .init(labels: [("a", "b")], value: 42)]),
        ])
        #expect(text == "# HELP flink_x x (scope: jobmanager)\n# TYPE flink_x gauge\nflink_x{a=\"q\\\"uote\\\\back\"} 1.5\nflink_x{a=\"b\"} 42.0\n")
        #expect(PrometheusText.sanitize("Source: chat-source -> drop-commands") == "Source:_chat_source____drop_commands")
        #expect(try Exposition(text).samples.count == 2)
    }
}
