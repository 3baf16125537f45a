import Foundation

/// Output that reads like Flink's CLI (`CliFrontend`): `flink list` sections and lines, `flink cancel` and
/// `flink run` messages.
public enum FlinkCLIOutput {
    /// Which sections `list` prints: Flink prints running and scheduled jobs by default, `-r`/`-s` one of them,
    /// `-a` all three (terminated jobs too).
    public struct ListSelection: Sendable, Equatable {
        public var running: Bool
        public var scheduled: Bool
        public var terminated: Bool

        public init(running: Bool, scheduled: Bool, all: Bool) {
            if !running && !scheduled && !all {
                self.running = true; self.scheduled = true; terminated = false
            } else {
                self.running = running || all; self.scheduled = scheduled || all; terminated = all
            }
        }
    }

    public static func list(_ jobs: [JobDetails], selection: ListSelection, timeZone: TimeZone = .current) -> String {
        let scheduled = jobs.filter { $0.state.isScheduled }
        let running = jobs.filter { !$0.state.isScheduled && !$0.state.isTerminal }
        let terminated = jobs.filter { $0.state.isTerminal }
        var lines: [String] = []
        if selection.running {
            if running.isEmpty {
                lines.append("No running jobs.")
            } else {
                lines.append("------------------ Running/Restarting Jobs -------------------")
                lines += jobLines(running, timeZone: timeZone)
                lines.append("--------------------------------------------------------------")
            }
        }
        if selection.scheduled {
            if scheduled.isEmpty {
                lines.append("No scheduled jobs.")
            } else {
                lines.append("----------------------- Scheduled Jobs -----------------------")
                lines += jobLines(scheduled, timeZone: timeZone)
                lines.append("--------------------------------------------------------------")
            }
        }
        if selection.terminated && !terminated.isEmpty {
            lines.append("---------------------- Terminated Jobs -----------------------")
            lines += jobLines(terminated, timeZone: timeZone)
            lines.append("--------------------------------------------------------------")
        }
        return lines.joined(separator: "\n")
    }

    /// `27.11.2025 23:10:07 : <jobid> : <name> (RUNNING)`, oldest first.
    static func jobLines(_ jobs: [JobDetails], timeZone: TimeZone) -> [String] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "dd.MM.yyyy HH:mm:ss"
        // Flink groups by state and then sorts the whole list by start time, so start time decides.
        let sorted = jobs.sorted { $0.startTime < $1.startTime }
        return sorted.map { job in
            let date = formatter.string(from: Date(timeIntervalSince1970: Double(job.startTime) / 1000))
            return "\(date) : \(job.jid) : \(job.name) (\(job.state.rawValue))"
        }
    }

    public static func cancelling(_ id: String) -> String { "Cancelling job \(id)." }
    public static func cancelled(_ id: String) -> String { "Cancelled job \(id)." }
    public static func submitted(_ id: String) -> String { "Job has been submitted with JobID \(id)" }

    /// Flink's lines after an attached run ends.
    public static func finished(_ id: String, runtimeMillis: Int64) -> String {
        "Program execution finished\nJob with JobID \(id) has finished.\nJob Runtime: \(runtimeMillis) ms"
    }
}
