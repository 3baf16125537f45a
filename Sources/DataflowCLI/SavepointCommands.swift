import ArgumentParser
import Cluster
import Dataflow
import Foundation
import Jobs

// Savepoints from the command line, with `flink`'s commands, flags and messages: `stop` (suspend or drain into a
// savepoint), `savepoint` (the job resumes from it), `modify -p N` (rescale a running job through a savepoint).

func parseJobID(_ text: String) throws -> JobID {
    guard let id = JobID(hex: text.lowercased()) else {
        throw CLIError("'\(text)' is not a job id: a job id is 32 hexadecimal digits (see `dataflow list`)")
    }
    return id
}

struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a running job with a savepoint, as `flink stop` does; resume it with `dataflow run JOB -s PATH`.",
        discussion: """
            The sources stop where they are, everything read before is processed, and every subtask's state (keyed \
            state and timers by key group, windows, source offsets, sink files in progress) goes into \
            DIR/savepoint-…/_metadata. With --drain the sources end as if their input had: the watermark reaches the \
            end of time and every window fires first. Without -p the cluster's state.savepoints.dir is used.
            """)

    @Argument(help: "The job's id (32 hex digits, as `dataflow list` shows it).")
    var jobID: String

    @Option(name: [.customShort("p"), .customLong("savepointPath")], help: "The directory to write the savepoint into.")
    var savepointPath: String?

    @Flag(name: [.customShort("d"), .customLong("drain")], help: "Fire every window before stopping (the end of event time).")
    var drain = false

    @OptionGroup var address: JobManagerAddressOptions

    func run() async throws {
        let id = try parseJobID(jobID)
        let target = try address.target()
        print("\(drain ? "Draining" : "Suspending") job \"\(id)\" with a CANONICAL savepoint.")
        do {
            let client = try target.client()
            let trigger = try await client.stop(id, directory: savepointPath.map(absolutePath), drain: drain)
            print("Savepoint completed. Path: \(try await client.waitForSavepoint(id, trigger))")
        } catch {
            throw target.explain(error)
        }
    }
}

struct SavepointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "savepoint",
        abstract: "Take a savepoint of a running job, as `flink savepoint` does; the job carries on from it. "
            + "With -d, delete a savepoint instead.")

    @Argument(help: "The job's id.")
    var jobID: String?

    @Argument(help: "The directory to write the savepoint into (default: the cluster's state.savepoints.dir).")
    var targetDirectory: String?

    @Option(name: [.customShort("d"), .customLong("dispose")], help: "Delete this savepoint (its directory) instead.")
    var dispose: String?

    @OptionGroup var address: JobManagerAddressOptions

    func validate() throws {
        if dispose == nil && jobID == nil { throw ValidationError("give a job id, or -d PATH to delete a savepoint") }
        if dispose != nil && jobID != nil { throw ValidationError("-d deletes a savepoint; it takes no job id") }
    }

    func run() async throws {
        let target = try address.target()
        if let dispose {
            let path = absolutePath(dispose)
            print("Disposing savepoint '\(path)'.")
            do { try await target.client().disposeSavepoint(path) } catch { throw target.explain(error) }
            print("Savepoint '\(path)' disposed.")
            return
        }
        let id = try parseJobID(jobID ?? "")
        print("Triggering savepoint for job \(id).")
        print("Waiting for response...")
        do {
            let client = try target.client()
            let trigger = try await client.savepoint(id, directory: targetDirectory.map(absolutePath))
            print("Savepoint completed. Path: \(try await client.waitForSavepoint(id, trigger))")
            print("You can resume your program from this savepoint with the run command.")
        } catch {
            throw target.explain(error)
        }
    }
}

struct ModifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modify",
        abstract: "Rescale a running job, as `flink modify -p N` did: savepoint, redistribute key groups, resume at N.",
        discussion: """
            Without -p the job's parallelism is read from the jobs file, so editing `parallelism:` in jobs.yaml and \
            running `dataflow modify JOBID` applies it. Keyed state moves with its key groups, so results are those of \
            a job that ran at one parallelism throughout.
            """)

    @Argument(help: "The job's id.")
    var jobID: String

    @Option(name: .shortAndLong, help: "The new parallelism (default: the job's entry in the jobs file).")
    var parallelism: Int?

    @Option(name: .long, help: "The jobs file (for the parallelism when -p is not given).")
    var jobs: String = JobsFile.defaultPath

    @OptionGroup var address: JobManagerAddressOptions

    func validate() throws {
        if let parallelism, parallelism < 1 { throw ValidationError("-p must be at least 1") }
    }

    func run() async throws {
        let id = try parseJobID(jobID)
        let target = try address.target()
        print("Modify job \(id).")
        do {
            let client = try target.client()
            let p: Int
            if let parallelism {
                p = parallelism
            } else {
                let name = try await client.details(id).name
                guard let declared = try JobsFile(path: jobs).entry(name).parallelism else {
                    throw CLIError("\(jobs) declares no parallelism for job '\(name)': give one with -p")
                }
                p = declared
            }
            let trigger = try await client.rescale(id, parallelism: p)
            try await client.waitForRescaling(id, trigger)
            print("Rescaled job \(id). Its new parallelism is \(p).")
        } catch let error as CLIError {
            throw error
        } catch {
            throw target.explain(error)
        }
    }
}

/// Savepoint directories are sent to the JobManager, which may run elsewhere: a relative path means this shell's.
func absolutePath(_ path: String) -> String {
    let expanded = (path as NSString).expandingTildeInPath
    // `file:/…` is how `stop` prints a savepoint's location (Flink's form).
    return expanded.hasPrefix("/") || expanded.hasPrefix("file:") || expanded.contains("://") ? expanded
        : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded)
}
