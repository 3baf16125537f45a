import Foundation
import Synchronization

/// What this process uses (Linux `/proc`), reported where Flink reports JVM figures: resident memory stands in for
/// "heap", and JVM-only figures (metaspace, GC) are left out rather than invented.
public struct ProcessStatistics: Sendable, Codable {
    public var residentBytes: Int64 = 0
    public var virtualBytes: Int64 = 0
    public var threads: Int64 = 0
    public var openFileDescriptors: Int64 = 0
    public var maxFileDescriptors: Int64 = 0
    /// User + system CPU time of the process, in nanoseconds (Flink's `Status.JVM.CPU.Time`).
    public var cpuTimeNanos: Int64 = 0
    /// Share of the machine's CPUs used since the previous sample, 0…1 (Flink's `Status.JVM.CPU.Load`).
    public var cpuLoad: Double = 0
    public var cpuCores: Int = ProcessInfo.processInfo.activeProcessorCount
    public var physicalMemory: Int64 = Int64(ProcessInfo.processInfo.physicalMemory)
    public var availableMemory: Int64 = 0

    /// Metric ids and values as `/taskmanagers/:id/metrics` and `/jobmanager/metrics` list them.
    public var metricValues: [(id: String, value: Double)] {
        [("Status.JVM.Memory.Heap.Used", Double(residentBytes)), ("Status.JVM.Memory.Heap.Committed", Double(residentBytes)),
         ("Status.JVM.Memory.Heap.Max", Double(physicalMemory)), ("Status.JVM.Memory.NonHeap.Used", 0),
         ("Status.JVM.Threads.Count", Double(threads)), ("Status.JVM.CPU.Load", cpuLoad), ("Status.JVM.CPU.Time", Double(cpuTimeNanos)),
         ("Status.JVM.FileDescriptor.Open", Double(openFileDescriptors)), ("Status.JVM.FileDescriptor.Max", Double(maxFileDescriptors)),
         ("Status.Process.Memory.Resident", Double(residentBytes)), ("Status.Process.Memory.Virtual", Double(virtualBytes))]
    }
}

/// Samples `ProcessStatistics`; remembers the previous sample to turn CPU time into a load.
public final class ProcessStatisticsSampler: Sendable {
    private let previous = Mutex<(wallNanos: UInt64, cpuNanos: Int64)?>(nil)

    public init() {}

    public func sample() -> ProcessStatistics {
        var s = ProcessStatistics()
        let pageSize = Int64(sysconf(Int32(_SC_PAGESIZE)))
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) {
            let fields = statm.split(separator: " ")
            if fields.count > 1 {
                s.virtualBytes = (Int64(fields[0]) ?? 0) * pageSize
                s.residentBytes = (Int64(fields[1]) ?? 0) * pageSize
            }
        }
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Threads:") }) {
            s.threads = Int64(line.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        s.openFileDescriptors = Int64((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count ?? 0)
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { s.maxFileDescriptors = Int64(clamping: limit.rlim_cur) }
        var usage = rusage()
        if getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 {
            let user = Int64(usage.ru_utime.tv_sec) * 1_000_000_000 + Int64(usage.ru_utime.tv_usec) * 1000
            let system = Int64(usage.ru_stime.tv_sec) * 1_000_000_000 + Int64(usage.ru_stime.tv_usec) * 1000
            s.cpuTimeNanos = user + system
        }
        if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }) {
            let kb = line.dropFirst("MemAvailable:".count).trimmingCharacters(in: .whitespaces).split(separator: " ").first
            s.availableMemory = (kb.flatMap { Int64($0) } ?? 0) * 1024
        }
        let now = DispatchTime.now().uptimeNanoseconds
        let cpu = s.cpuTimeNanos
        s.cpuLoad = previous.withLock { last in
            defer { last = (now, cpu) }
            guard let last, now > last.wallNanos else { return 0 }
            let load = Double(cpu - last.cpuNanos) / Double(now - last.wallNanos) / Double(max(1, s.cpuCores))
            return min(1, max(0, load))
        }
        return s
    }
}
