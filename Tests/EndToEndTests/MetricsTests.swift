import Foundation
import OnSiteClient
import OnSiteRelayProcess
import Testing

/// `/metrics` scraped from a real relay and read as Prometheus text; the access log as JSON lines.
@Suite("End to end: metrics and access log", .serialized)
struct MetricsTests {
    @Test("/metrics is Prometheus text with the relay's figures; they move with a sync; only an admin token reads it")
    func scrape() async throws {
        let (relay, _) = try Seeded.relay()
        let admin = try relay.addDevice(role: "admin", name: "Quản trị", units: [])
        let lan = try Seeded.officer("lan", on: relay)
        let client = RawRelayClient(relay: relay)

        #expect(try client.request("GET", "/metrics").status == 401)
        let lanToken = try #require(try await Replica(directory: lan.folder).enrolment()).token
        let forbidden = try client.request("GET", "/metrics", token: lanToken)
        #expect(forbidden.status == 403 && forbidden.text.contains("admin_only"), "\(forbidden.text)")

        let before = try PrometheusText(try client.request("GET", "/metrics", token: admin).text)
        #expect(before.types["onsite_http_requests_total"] == "counter")
        #expect(before.types["onsite_http_request_duration_seconds"] == "histogram")
        #expect(before.types["onsite_active_devices"] == "gauge")
        #expect(before.types["onsite_database_bytes"] == "gauge")
        #expect(before.value("onsite_active_devices") == 2, "the hub and Lan synced; the admin only scraped")
        #expect(try #require(before.value("onsite_database_bytes")) > 4096)
        try before.checkHistogram("onsite_http_request_duration_seconds", labels: ["route": "/v1/changesets"])

        try #require(try lan.onsite("note", "DB-2024-00101", "Đo lại").status == 0)
        try #require(try lan.onsite("attach", "DB-2024-00101", "--photo", SamplePhotos.path("dbp-site-1.jpg")).status == 0)
        try lan.sync()
        let after = try PrometheusText(try client.request("GET", "/metrics", token: admin).text)
        let pushes = ["route": "/v1/changesets", "method": "POST", "status": "200"]
        #expect(after.value("onsite_http_requests_total", pushes) == (before.value("onsite_http_requests_total", pushes) ?? 0) + 1)
        let applied = ["outcome": "applied"]
        #expect(after.value("onsite_operations_total", applied) == (before.value("onsite_operations_total", applied) ?? 0) + 2,
                "the note and the attachment")
        #expect(try #require(after.value("onsite_pull_entries_total")) > (before.value("onsite_pull_entries_total") ?? 0))
        let photoBytes = try FileManager.default.attributesOfItem(atPath: SamplePhotos.path("dbp-site-1.jpg"))[.size] as? Int
        #expect(after.value("onsite_upload_bytes_total") == photoBytes.map(Double.init))
        #expect(after.value("onsite_http_requests_total", ["route": "/metrics", "method": "GET", "status": "401"]) == 1)
        #expect(after.value("onsite_http_requests_total", ["route": "/metrics", "method": "GET", "status": "403"]) == 1)
        try after.checkHistogram("onsite_http_request_duration_seconds", labels: ["route": "/v1/changesets"])
    }

    @Test("metricsLoopbackWithoutToken lets a scrape from this machine in without a token")
    func loopbackScrape() throws {
        let relay = try RelayProcess(extraConfiguration: #""metricsLoopbackWithoutToken": true"#)
        try relay.start()
        let answer = try RawRelayClient(relay: relay).request("GET", "/metrics")
        #expect(answer.status == 200)
        #expect(try PrometheusText(answer.text).types["onsite_database_bytes"] == "gauge")
    }

    @Test("--log-format json: one access-log object per request with id, device, client, route, status and duration; no token")
    func accessLog() async throws {
        let relay = try RelayProcess()
        let token = try relay.addDevice(role: "officer", name: "Lan", units: ["phuong-muong-thanh"])
        relay.logLevel = "info"
        relay.extraServeArguments = ["--log-format", "json"]
        try relay.start()
        let lan = FieldDevice(name: "lan", in: relay.folder)
        try lan.enroll(with: relay, token: token)
        try lan.sync()
        _ = try RawRelayClient(relay: relay).request("GET", "/v1/changes?since=0", token: "ost_wrong")
        let deviceId = try #require(try await lan.status().deviceId)
        let text = try String(contentsOf: try #require(relay.logFile), encoding: .utf8)
        #expect(!text.contains(token), "the token was logged")
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
        }
        let requests = lines.filter { $0["message"] == "request" }
        let pull = try #require(requests.first { $0["relay.route"] == "/v1/changes" && $0["relay.status"] == "200" }, "\(text)")
        #expect(pull["relay.device"] == deviceId && pull["relay.client"] == "127.0.0.1" && pull["relay.method"] == "GET")
        #expect(pull["hb.request.id"]?.isEmpty == false && Double(pull["relay.durationMs"] ?? "") != nil, "\(pull)")
        #expect(pull["level"] == "info" && pull["time"]?.hasSuffix("Z") == true, "\(pull)")
        #expect(requests.contains { $0["relay.route"] == "/v1/changes" && $0["relay.status"] == "401" && $0["relay.device"] == "-" })
    }
}

/// A small reader of the Prometheus text exposition format (0.0.4): `# TYPE` lines and samples with labels.
struct PrometheusText {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var types: [String: String] = [:]
    var samples: [Sample] = []

    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4 else { throw E2EError("bad TYPE line: \(line)") }
                types[String(parts[2])] = String(parts[3])
            } else if line.hasPrefix("#") {
                continue
            } else {
                samples.append(try Self.sample(String(line)))
            }
        }
        for sample in samples {
            let family = ["_bucket", "_sum", "_count"].reduce(sample.name) { name, suffix in
                types[name] == nil && name.hasSuffix(suffix) ? String(name.dropLast(suffix.count)) : name
            }
            guard types[family] != nil else { throw E2EError("sample \(sample.name) has no # TYPE line") }
        }
    }

    /// `name{a="x",b="y"} 12.5` (an optional timestamp after the value is ignored).
    static func sample(_ line: String) throws -> Sample {
        var rest = Substring(line)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard !name.isEmpty else { throw E2EError("no metric name: \(line)") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { $0 != "=" }
                rest = rest.dropFirst(key.count)
                guard rest.hasPrefix("=\"") else { throw E2EError("bad label in \(line)") }
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\", let escaped = rest.first {
                        rest = rest.dropFirst()
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"" else { throw E2EError("unterminated label value in \(line)") }
                rest = rest.dropFirst()
                labels[String(key)] = value
                if rest.first == "," { rest = rest.dropFirst() }
                guard !rest.isEmpty else { throw E2EError("unterminated labels in \(line)") }
            }
            rest = rest.dropFirst()
        }
        let fields = rest.split(separator: " ")
        guard let first = fields.first, let value = Double(first == "+Inf" ? "inf" : String(first)) else {
            throw E2EError("no value in \(line)")
        }
        return Sample(name: String(name), labels: labels, value: value)
    }

    /// The value of the sample with exactly these labels (apart from none), nil when absent.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Buckets rise with `le`, end with `+Inf`, and the `+Inf` bucket equals `_count`.
    func checkHistogram(_ name: String, labels: [String: String]) throws {
        let buckets = samples.filter { $0.name == name + "_bucket" && $0.labels.filter { $0.key != "le" } == labels }
            .map { (le: $0.labels["le"] == "+Inf" ? Double.infinity : Double($0.labels["le"] ?? "") ?? .nan, count: $0.value) }
            .sorted { $0.le < $1.le }
        guard buckets.count >= 2, buckets.last?.le == .infinity else { throw E2EError("\(name) \(labels): no +Inf bucket") }
        for (lower, upper) in zip(buckets, buckets.dropFirst()) where upper.count < lower.count {
            throw E2EError("\(name) \(labels): bucket le=\(upper.le) holds fewer than le=\(lower.le)")
        }
        guard let count = value(name + "_count", labels), count == buckets.last?.count, count > 0 else {
            throw E2EError("\(name) \(labels): _count differs from the +Inf bucket")
        }
        guard value(name + "_sum", labels) != nil else { throw E2EError("\(name) \(labels): no _sum") }
    }
}
