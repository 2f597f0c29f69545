import Foundation
import OnSiteRelayProcess

/// A small HTTPS/1.1 server on 127.0.0.1 (Python's `http.server` behind `ssl`), run as a child process.
///
/// Routes: `GET /hello` → "hello over tls"; `GET /bytes/N` → N bytes; `PUT|POST /upload` → "LENGTH SHA256HEX" of
/// the body; `GET /drop` → announces 100 000 bytes, sends 1 000, closes; `GET /slow` → answers after 120 s.
final class TLSTestServer {
    let port: Int
    private let process: ChildProcess

    init(certificateChainPath: String, privateKeyPath: String) throws {
        // Its standard input is a pipe: the script exits when this closes, even if the test process dies.
        process = try ChildProcess("/usr/bin/env", ["python3", "-u", "-c", Self.script, certificateChainPath, privateKeyPath],
                                   input: .pipe, output: .pipe, error: .null)
        // The script prints its port once it listens.
        var line = Data()
        while let output = process.output, !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.send(SIGKILL)
            process.wait()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "test server did not start"])
        }
        self.port = port
    }

    func url(_ path: String) -> String { "https://127.0.0.1:\(port)\(path)" }

    /// Kills the server (SIGKILL: nothing of it needs to be kept).
    func stop() {
        process.send(SIGKILL)
        process.wait()
        try? process.input?.close()
    }

    deinit { stop() }

    private static let script = #"""
import hashlib, http.server, os, signal, socket, ssl, sys, threading, time

signal.pthread_sigmask(signal.SIG_SETMASK, [])
def exit_when_parent_goes():
    sys.stdin.read()
    os._exit(0)
threading.Thread(target=exit_when_parent_goes, daemon=True).start()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def reply(self, body, status=200):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Test", "one")
        self.send_header("X-Test", "two")
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        if self.path == "/hello":
            self.reply(b"hello over tls")
        elif self.path.startswith("/bytes/"):
            n = int(self.path[len("/bytes/"):])
            self.reply(bytes(i % 251 for i in range(n)))
        elif self.path == "/drop":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"x" * 1000)
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.connection.close()
            self.close_connection = True
        elif self.path == "/slow":
            time.sleep(120)
            self.reply(b"late")
        else:
            self.reply(b"not found", 404)
    def do_upload(self):
        remaining = int(self.headers.get("Content-Length", "0"))
        digest, total = hashlib.sha256(), 0
        while remaining > 0:
            chunk = self.rfile.read(min(65536, remaining))
            if not chunk: break
            digest.update(chunk); total += len(chunk); remaining -= len(chunk)
        self.reply(f"{total} {digest.hexdigest()}".encode())
    do_PUT = do_upload
    do_POST = do_upload

context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"""#
}
