import Foundation
import GRDB
import OnSiteRelayProcess

/// The load benchmark's check: every acknowledged operation is in the relay's log exactly once, and the log holds
/// no operation of the load's devices that was never acknowledged.
struct LoadCheck {
    var acknowledged = 0
    var lost = 0
    var duplicated = 0
    var unexpected = 0

    /// Checks against the SQLite store's log, read from its file.
    static func verify(_ outcomes: [LoadDevice.Outcome], relayDatabase path: String) throws -> LoadCheck {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: path, configuration: configuration)
        let devices = Set(outcomes.map(\.deviceId))
        var logged: [String: Int] = [:]
        try database.read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT operationId, deviceId FROM log")
            while let row = try rows.next() {
                let device: String = row["deviceId"]
                guard devices.contains(device) else { continue }
                logged[row["operationId"], default: 0] += 1
            }
        }
        return verify(outcomes, logged: logged)
    }

    /// Checks against the PostgreSQL store's log, read with `psql` (the benchmark links no PostgreSQL client).
    static func verify(_ outcomes: [LoadDevice.Outcome], postgresURL url: String) throws -> LoadCheck {
        let devices = Set(outcomes.map(\.deviceId))
        let result = try ProgramRun.run(URL(fileURLWithPath: "/usr/bin/psql"),
                                        ["-X", "-q", "-At", "-F", " ", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", "SELECT operation_id, device_id FROM log"])
        guard result.status == 0 else { throw BenchError("psql could not read the log of the PostgreSQL store: \(result.error)") }
        var logged: [String: Int] = [:]
        for line in result.output.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 1)
            guard fields.count == 2, devices.contains(String(fields[1])) else { continue }
            logged[String(fields[0]), default: 0] += 1
        }
        return verify(outcomes, logged: logged)
    }

    /// `logged`: how many times each operation id of the load's devices is in the log.
    private static func verify(_ outcomes: [LoadDevice.Outcome], logged: [String: Int]) -> LoadCheck {
        var check = LoadCheck()
        var seen = Set<String>()
        for outcome in outcomes {
            for id in outcome.acknowledged {
                let key = id.uuidString
                check.acknowledged += 1
                guard seen.insert(key).inserted else { check.duplicated += 1; continue }
                switch logged[key] ?? 0 {
                case 0: check.lost += 1
                case 1: break
                default: check.duplicated += 1
                }
            }
        }
        check.unexpected = logged.keys.filter { !seen.contains($0) }.count
        return check
    }
}
