import CoreMetrics
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The process's own numbers, as every Prometheus client library exports them (`process_cpu_seconds_total`,
/// `process_resident_memory_bytes`, `process_open_fds`, `process_start_time_seconds`), read from `/proc` at each
/// scrape. Elsewhere than Linux there is no `/proc` and they are left out.
package final class ProcessMetrics: Sendable {
    /// CPU seconds already added to the counter.
    private let reportedCPU = Mutex<Double>(0)

    package init() {}

    /// Reads the numbers and records them; the CPU counter grows by what was spent since the last call.
    func record(into metrics: GatewayMetrics) {
        guard let statistics = ProcessStatistics.current() else { return }
        let spent = reportedCPU.withLock { reported in
            defer { reported = max(reported, statistics.cpuSeconds) }
            return max(0, statistics.cpuSeconds - reported)
        }
        metrics.floatingPointCounter(MetricsCatalogue.processCPU).increment(by: spent)
        metrics.gauge(MetricsCatalogue.processResidentMemory).record(statistics.residentBytes)
        metrics.gauge(MetricsCatalogue.processOpenFDs).record(statistics.openFileDescriptors)
        metrics.gauge(MetricsCatalogue.processStartTime).record(statistics.startTime)
    }
}

/// One reading of `/proc/self`.
package struct ProcessStatistics: Equatable {
    package var cpuSeconds: Double
    package var residentBytes: Int
    package var openFileDescriptors: Int
    /// Seconds since 1970.
    package var startTime: Double

    /// This process now, or nil without `/proc`.
    static func current() -> ProcessStatistics? {
        #if canImport(Glibc)
            guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
                let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
                let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
                let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
            else { return nil }
            return parse(
                stat: stat, statm: statm, system: system, openFileDescriptors: descriptors.count,
                ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))), pageSize: Int(sysconf(Int32(_SC_PAGESIZE))))
        #else
            return nil
        #endif
    }

    /// `stat`: `/proc/self/stat` (utime and stime are fields 14 and 15, starttime 22, counted from 1, in clock
    /// ticks; the command name in field 2 may hold spaces, so fields are counted after its closing parenthesis);
    /// `statm`: resident pages second; `system`: `/proc/stat`, whose `btime` line is the boot time.
    package static func parse(
        stat: String, statm: String, system: String, openFileDescriptors: Int, ticksPerSecond: Double, pageSize: Int
    ) -> ProcessStatistics? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        // Fields from 3 (state) on.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double? { fields.count > number - 3 ? Double(fields[number - 3]) : nil }
        let bootLine = system.split(separator: "\n").first { $0.hasPrefix("btime ") }
        guard let user = field(14), let kernel = field(15), let started = field(22), ticksPerSecond > 0,
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) }),
            let boot = bootLine?.split(separator: " ").last.flatMap({ Double($0) })
        else { return nil }
        return ProcessStatistics(
            cpuSeconds: (user + kernel) / ticksPerSecond, residentBytes: pages * pageSize,
            openFileDescriptors: openFileDescriptors, startTime: boot + started / ticksPerSecond)
    }
}
