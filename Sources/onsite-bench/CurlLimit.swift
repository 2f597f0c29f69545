import Foundation
import OnSiteClient
import OnSiteRelayProcess
import OnSiteSync

/// The floor under a pull's time: the `curl` binary fetching the same pages from the same relay over TLS, with
/// the same token and `Accept-Encoding: gzip`, all in one process (one connection, kept alive, like the
/// client's), writing the bodies to `/dev/null`. The relay does the same reads; only the client's decoding and
/// storing is left out.
struct CurlLimit {
    let relay: RelayProcess
    let token: String
    let pageSize: Int

    /// What one run of `curl` over a list of pages measured.
    struct Download {
        var seconds: Double
        /// Body bytes as they crossed the wire (gzip), summed over the pages.
        var bytes: Int
        var pages: Int
    }

    /// The query of every page a pull from `cursor` walks through (snapshot pages included), read by pulling
    /// without applying anything.
    func pageQueries(from cursor: Int64) async throws -> [String] {
        let client = RelayClient(baseURL: relay.url, token: token, caCertificatePath: relay.caCertificatePath)
        var counters = WireCounters()
        var queries: [String] = []
        var request = PullRequest(since: cursor, limit: pageSize)
        while true {
            queries.append(request.query)
            let page = try await client.pull(request, pending: 0, counters: &counters)
            if !page.hasMore { return queries }
            request = PullRequest(since: page.nextCursor, limit: pageSize, snapshot: page.snapshot)
        }
    }

    /// Downloads every page after `cursor` with one `curl` process.
    func download(from cursor: Int64) async throws -> Download {
        let queries = try await pageQueries(from: cursor)
        var arguments = [
            "-sS", "--fail", "--cacert", relay.caCertificatePath, "--compressed",
            "-H", "Authorization: Bearer \(token)", "-H", "Accept: application/json",
            "-H", "\(SyncProtocol.versionHeader): \(SyncProtocol.version)", "-w", "%{size_download}\\n",
        ]
        for query in queries {
            arguments += ["-o", "/dev/null", "\(relay.url)/v1/changes?\(query)"]
        }
        let start = ContinuousClock.now
        let run = try ProgramRun.run(URL(fileURLWithPath: "/usr/bin/curl"), arguments)
        let seconds = (ContinuousClock.now - start).seconds
        guard run.status == 0 else { throw BenchError("curl failed (\(run.status)): \(run.error)") }
        let bytes = run.output.split(separator: "\n").compactMap { Int($0) }.reduce(0, +)
        return Download(seconds: seconds, bytes: bytes, pages: queries.count)
    }
}
