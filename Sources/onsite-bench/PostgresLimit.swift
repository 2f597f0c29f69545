import Foundation
import OnSiteRelayProcess

/// The ceiling of one PostgreSQL transaction per change set with every push behind one lock, measured with
/// PostgreSQL's own `pgbench` on the benchmark's database: each transaction locks a one-row head (`FOR UPDATE`, as
/// a push locks `log_head`), inserts `rows` rows in one statement, moves the head and commits durably. Nothing of
/// the relay runs, so it is what the database and this disk allow, printed next to the relay's figures.
enum PostgresLimit {
    /// Transactions per second over `seconds`, from 8 connections; the scratch tables are dropped after.
    ///
    /// - Throws: ``BenchError`` when `pgbench` or `psql` is missing or fails.
    static func commitsPerSecond(rowsPerCommit rows: Int, seconds: Int, url: String, scratch: URL) throws -> Double {
        let bin = try programFolder()
        let script = scratch.appendingPathComponent("push-limit.sql")
        try Data("""
            BEGIN;
            SELECT version FROM onsite_limit_head WHERE singleton = 1 FOR UPDATE;
            INSERT INTO onsite_limit_rows (payload) SELECT repeat('x', 200) FROM generate_series(1, \(rows));
            UPDATE onsite_limit_head SET version = version + \(rows) WHERE singleton = 1;
            COMMIT;

            """.utf8).write(to: script)
        try psql(bin, url, """
            DROP TABLE IF EXISTS onsite_limit_head, onsite_limit_rows;
            CREATE TABLE onsite_limit_head (singleton integer PRIMARY KEY, version bigint NOT NULL);
            INSERT INTO onsite_limit_head VALUES (1, 0);
            CREATE TABLE onsite_limit_rows (id bigserial PRIMARY KEY, payload text NOT NULL);
            """)
        defer { try? psql(bin, url, "DROP TABLE IF EXISTS onsite_limit_head, onsite_limit_rows") }
        let run = try ProgramRun.run(URL(fileURLWithPath: bin + "/pgbench"),
                                     ["-n", "-f", script.path, "-c", "8", "-j", "2", "-T", String(seconds), url])
        guard run.status == 0,
              let line = run.output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
              let tps = Double(line.dropFirst("tps = ".count).prefix(while: { $0.isNumber || $0 == "." }))
        else { throw BenchError("pgbench did not measure the PostgreSQL limit: \(run.combined)") }
        return tps
    }

    private static func psql(_ bin: String, _ url: String, _ sql: String) throws {
        let run = try ProgramRun.run(URL(fileURLWithPath: bin + "/psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        guard run.status == 0 else { throw BenchError("psql failed for the PostgreSQL limit: \(run.combined)") }
    }

    private static func programFolder() throws -> String {
        guard let folder = PostgresPrograms.folder(having: "pgbench") else {
            throw BenchError("no pgbench under \(PostgresPrograms.root): install Debian's postgresql (Scripts/install-deps.sh)")
        }
        return folder
    }
}
