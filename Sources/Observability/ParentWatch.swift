import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// For processes started by tests and scripts: with `DATAFLOW_EXIT_WITH_PARENT=1` the process stops gracefully
/// (SIGTERM to itself) once the process that started it is gone, so a crashed or killed test run leaves no
/// JobManager or TaskManager behind. Polls the parent id (a parent-death signal would also fire when the
/// spawning *thread* ends, which pooled threads do).
public enum ParentWatch {
    public static let environmentKey = "DATAFLOW_EXIT_WITH_PARENT"

    public static func startIfRequested(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard environment[environmentKey] == "1" else { return }
        let parent = getppid()
        let thread = Thread {
            while getppid() == parent { usleep(500_000) }
            kill(getpid(), SIGTERM)
            // A process that does not stop on SIGTERM within 10 s is ended.
            sleep(10)
            _exit(143)
        }
        thread.name = "parent-watch"
        thread.start()
    }
}
