import Foundation
import OnSiteRelayProcess
#if canImport(Glibc)
import Glibc
#endif

/// Debian's `chromium`, headless, driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: JSON
/// messages ended by a NUL byte, commands on the browser's fd 3, answers and events on its fd 4).
///
/// The relay's pilot certificate is trusted precisely: `--ignore-certificate-errors-spki-list` with the SHA-256
/// of the server key's SubjectPublicKeyInfo, no blanket ignore. One browser per suite; each ``Tab`` is a target
/// with its own browser context (its own cookies).
final class HeadlessBrowser {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Where screenshots go: `.build/test-artefacts/web` next to the package (kept out of git by `.build/`).
    static let artefacts: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/test-artefacts/web")

    /// The browser's path, or a failure that says how to install it.
    static func executable() throws -> String {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        throw Failure(description: "Debian's chromium is not installed: the supervisor page's browser tests need it (`apt-get install -y chromium`, or Scripts/install-deps.sh).")
    }

    private let pid: pid_t
    private let commands: Int32
    private let answers: Int32
    private let profile: URL
    private var nextId = 1
    private var buffer = [UInt8]()
    /// Events received and not yet waited for.
    private var events: [[String: Any]] = []

    /// Starts the browser.
    /// - Parameter spkiHash: base64 SHA-256 of the server certificate's public key (see ``spkiHash(ofCertificate:)``).
    init(trustingSPKI spkiHash: String) throws {
        let path = try Self.executable()
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("onsite-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: Self.artefacts, withIntermediateDirectories: true)
        var toBrowser: [Int32] = [0, 0], fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else { throw Failure(description: "pipe() failed: \(errno)") }
        // Keep our ends away from 3 and 4 so the child's dup2 onto them is never a no-op.
        func high(_ fd: Int32) -> Int32 {
            let moved = fcntl(fd, F_DUPFD_CLOEXEC, 10)
            close(fd)
            return moved
        }
        let childReads = high(toBrowser[0]), parentWrites = high(toBrowser[1])
        let parentReads = high(fromBrowser[0]), childWrites = high(fromBrowser[1])
        let arguments = [
            path, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio",
            "--remote-debugging-pipe", "--user-data-dir=\(profile.path)", "--window-size=1280,900",
            "--ignore-certificate-errors-spki-list=\(spkiHash)", "about:blank",
        ]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, childReads, 3)
        posix_spawn_file_actions_adddup2(&actions, childWrites, 4)
        let log = profile.appendingPathComponent("chromium.log").path
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, path, &actions, nil, argv, environ)
        close(childReads)
        close(childWrites)
        guard spawned == 0 else {
            close(parentWrites)
            close(parentReads)
            throw Failure(description: "could not start \(path): error \(spawned)")
        }
        pid = child
        commands = parentWrites
        answers = parentReads
    }

    deinit {
        close(commands)
        close(answers)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: profile)
    }

    /// The base64 SHA-256 of a PEM certificate's public key, as `--ignore-certificate-errors-spki-list` takes it.
    static func spkiHash(ofCertificate pem: URL) throws -> String {
        let shell = "openssl x509 -in \"$0\" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64"
        let process = try ChildProcess("/bin/sh", ["-c", shell, pem.path], output: .pipe, error: .null)
        let data = process.readOutputToEnd()
        let exit = process.wait()
        let hash = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard exit == .exited(0), hash.count == 44 else { throw Failure(description: "no SPKI hash of \(pem.path): \(hash)") }
        return hash
    }

    /// Sends a command and waits for its answer (events met meanwhile are kept for ``waitForEvent(_:session:timeout:)``).
    @discardableResult
    func call(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: TimeInterval = 30) throws -> [String: Any] {
        let id = nextId
        nextId += 1
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
            guard count > 0 else { throw Failure(description: "the browser closed its command pipe (\(method))") }
            written += count
        }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let message = try nextMessage(until: deadline, waitingFor: method)
            if message["id"] as? Int == id {
                if let error = message["error"] as? [String: Any] {
                    throw Failure(description: "\(method) failed: \(error["message"] ?? error)")
                }
                return message["result"] as? [String: Any] ?? [:]
            }
            if message["method"] != nil { events.append(message) }
        }
    }

    /// Waits for an event (e.g. `Page.loadEventFired`) of a session, consuming it and the events before it.
    func waitForEvent(_ method: String, session: String?, timeout: TimeInterval = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let index = events.firstIndex(where: { $0["method"] as? String == method && $0["sessionId"] as? String == session }) {
                events.removeFirst(index + 1)
                return
            }
            let message = try nextMessage(until: deadline, waitingFor: method)
            if message["method"] != nil { events.append(message) }
        }
    }

    func discardEvents() { events.removeAll() }

    private func nextMessage(until deadline: Date, waitingFor what: String) throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let data = Data(buffer[..<end])
                buffer.removeFirst(end + 1)
                guard let message = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
                return message
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw Failure(description: "the browser did not answer \(what) in time") }
            var poller = pollfd(fd: answers, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left, 1) * 1000))
            guard ready >= 0 else { throw Failure(description: "poll failed: \(errno)") }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { read(answers, $0.baseAddress, $0.count) }
            guard count > 0 else { throw Failure(description: "the browser exited (waiting for \(what)); its log: \(profile.path)/chromium.log") }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// A new page in a browser context of its own (no cookies shared with other tabs).
    func openTab() throws -> Tab {
        let context = try call("Target.createBrowserContext")["browserContextId"] as? String
        var params: [String: Any] = ["url": "about:blank"]
        if let context { params["browserContextId"] = context }
        guard let target = try call("Target.createTarget", params)["targetId"] as? String,
              let session = try call("Target.attachToTarget", ["targetId": target, "flatten": true])["sessionId"] as? String
        else { throw Failure(description: "no target") }
        try call("Page.enable", session: session)
        return Tab(browser: self, session: session)
    }

    /// One page of the browser.
    struct Tab {
        let browser: HeadlessBrowser
        let session: String

        /// Loads `url` and waits for its load event.
        func navigate(_ url: String) throws {
            browser.discardEvents()
            let result = try browser.call("Page.navigate", ["url": url], session: session)
            if let error = result["errorText"] as? String { throw Failure(description: "navigation to \(url) failed: \(error)") }
            try browser.waitForEvent("Page.loadEventFired", session: session)
        }

        /// The value of a JavaScript expression (JSON-serialisable values only).
        func evaluate(_ expression: String) throws -> Any? {
            let result = try browser.call("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true], session: session)
            if let exception = result["exceptionDetails"] as? [String: Any] {
                throw Failure(description: "`\(expression)` threw: \(exception["text"] ?? exception)")
            }
            return (result["result"] as? [String: Any])?["value"]
        }

        func string(_ expression: String) throws -> String { try evaluate(expression) as? String ?? "" }

        /// Runs an expression that navigates (a click, a form submit) and waits for the new page's load event.
        func navigating(by expression: String) throws {
            browser.discardEvents()
            _ = try evaluate(expression)
            try browser.waitForEvent("Page.loadEventFired", session: session)
        }

        /// Saves a PNG of the viewport (or the full page) under ``HeadlessBrowser/artefacts``.
        @discardableResult
        func screenshot(_ name: String, fullPage: Bool = true) throws -> URL {
            let result = try browser.call("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": fullPage], session: session)
            guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64) else { throw Failure(description: "no screenshot data") }
            let file = HeadlessBrowser.artefacts.appendingPathComponent(name + ".png")
            try data.write(to: file)
            return file
        }

        /// Emulates a phone screen (width in CSS pixels) until ``desktop()``.
        func phone(width: Int = 390, height: Int = 844) throws {
            try browser.call("Emulation.setDeviceMetricsOverride",
                             ["width": width, "height": height, "deviceScaleFactor": 2, "mobile": true], session: session)
        }

        func desktop() throws { try browser.call("Emulation.clearDeviceMetricsOverride", session: session) }
    }
}
