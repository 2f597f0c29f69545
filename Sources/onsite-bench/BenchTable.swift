import Foundation
import OnSiteClient

/// The sync benchmark's figures: each phase's rate next to the limits measured in the same run.
struct BenchTable {
    struct Row {
        var phase: String
        var unit: String
        var count: Int
        var seconds: Double
        var wire: WireCounters?
        /// The same rows bulk-inserted into the same table (see ``SQLiteLimit``).
        var sqliteSeconds: Double?
        /// The same pages fetched by `curl` (see ``CurlLimit``).
        var curl: CurlLimit.Download?

        var rate: Double { seconds > 0 ? Double(count) / seconds : 0 }
    }

    var rows: [Row]

    func print() {
        Swift.print("")
        Swift.print("phase                       count   unit       seconds        per s   wire bytes/unit   SQLite limit/s   ×SQLite   curl s   ×curl")
        for row in rows {
            var line = row.phase.padding(toLength: 22, withPad: " ", startingAt: 0)
                + String(format: "%11d   ", row.count) + row.unit.padding(toLength: 8, withPad: " ", startingAt: 0)
                + String(format: "%10.3f %12.0f", row.seconds, row.rate)
            if let wire = row.wire, row.count > 0 {
                line += String(format: " %17.0f", Double(wire.bytesSent + wire.bytesReceived) / Double(row.count))
            } else {
                line += String(repeating: " ", count: 18)
            }
            if let sqlite = row.sqliteSeconds, sqlite > 0 {
                let limit = Double(row.count) / sqlite
                line += String(format: " %16.0f %9.2f", limit, row.rate / limit)
            } else {
                line += String(repeating: " ", count: 27)
            }
            if let curl = row.curl, row.seconds > 0 {
                // Below 1: the share of the raw download speed the client reaches, storing included.
                line += String(format: " %8.3f %7.2f", curl.seconds, curl.seconds / row.seconds)
            }
            Swift.print(line)
        }
    }
}
