import Foundation
import GRDB

/// The load benchmark's check: every acknowledged operation is in the relay's log exactly once, and the log holds
/// no operation of the load's devices that was never acknowledged.
struct LoadCheck {
    var acknowledged = 0
    var lost = 0
    var duplicated = 0
    var unexpected = 0

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
