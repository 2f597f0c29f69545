import Foundation

/// Where the machine's processor time went during a benchmark: the relay processes, the load generator itself,
/// and everything else (PostgreSQL's server processes, the system), read from Linux's `/proc`.
///
/// The load benchmark's devices, relays and database share the same cores, so a throughput figure alone does not
/// say what one change set costs the relay; this does.
struct CPUAccount {
    /// Processor time in seconds.
    struct Times {
        var relays: Double
        var loadGenerator: Double
        /// Busy time of the whole machine (user, nice, system, irq, softirq, steal).
        var machineBusy: Double
        /// Busy and idle time of the whole machine.
        var machineTotal: Double
    }

    let relayProcesses: [Int32]
    private let start: Times

    /// Starts counting for `relayProcesses` (their time before now is not counted).
    init(relayProcesses: [Int32]) {
        self.relayProcesses = relayProcesses
        start = Self.sample(relayProcesses)
    }

    /// The time used since ``init(relayProcesses:)``; read it before the relays stop (their `/proc` entry goes).
    func elapsed() -> Times {
        let now = Self.sample(relayProcesses)
        return Times(relays: now.relays - start.relays, loadGenerator: now.loadGenerator - start.loadGenerator,
                     machineBusy: now.machineBusy - start.machineBusy, machineTotal: now.machineTotal - start.machineTotal)
    }

    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    private static func sample(_ processes: [Int32]) -> Times {
        let (busy, total) = machineTicks()
        return Times(relays: processes.map(processSeconds).reduce(0, +), loadGenerator: processSeconds(getpid()),
                     machineBusy: busy / ticksPerSecond, machineTotal: total / ticksPerSecond)
    }

    /// User and system time of one process (`/proc/PID/stat`, fields 14 and 15); 0 when it is gone.
    private static func processSeconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // After the command name in parentheses: field 3 (state) onwards.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / ticksPerSecond
    }

    /// The machine's busy and total ticks (`/proc/stat`'s `cpu` line).
    private static func machineTicks() -> (busy: Double, total: Double) {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return (0, 0) }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count >= 8 else { return (0, 0) }
        // user nice system idle iowait irq softirq steal (guest time is inside user).
        let idle = values[3] + values[4]
        let total = values[0..<8].reduce(0, +)
        return (total - idle, total)
    }
}
