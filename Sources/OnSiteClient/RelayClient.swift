import Foundation
import OnSiteCompression
import OnSiteSync
import Synchronization

/// Bytes that crossed the wire in one phase of a sync, headers included.
public struct WireCounters: Sendable, Hashable {
    public var requests = 0
    /// TCP and TLS connections opened (1 for a whole sync when the relay keeps the connection alive).
    public var connections = 0
    public var bytesSent = 0
    public var bytesReceived = 0

    public init() {}

    mutating func add(_ metrics: TransferMetrics) {
        requests += 1
        connections += metrics.newConnections
        bytesSent += Int(metrics.bytesSent)
        bytesReceived += Int(metrics.bytesReceived)
    }
}

/// The relay's HTTP API, typed: `/v1/me`, `/v1/changesets`, `/v1/changes`.
public struct RelayClient: Sendable {
    public let baseURL: String
    let token: String
    let transport: HTTPTransport
    /// What this client learnt of the relay's encodings (shared by copies of the client).
    let relayEncoding = RelayEncoding()
    /// How photo chunks are sized: to the link by default, learnt over the client's life (shared by copies).
    public let chunkSizing: ChunkSizing

    public init(baseURL: String, token: String, caCertificatePath: String?, transport: TransportConfiguration? = nil,
                chunkSizing: ChunkSizing = ChunkSizing()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.chunkSizing = chunkSizing
        var configuration = transport ?? TransportConfiguration()
        configuration.caCertificatePath = caCertificatePath
        self.transport = HTTPTransport(configuration: configuration)
    }

    /// Who the relay knows this token to be.
    public func profile(counters: inout WireCounters) async throws -> DeviceProfile {
        try await send(.get, "/v1/me", body: nil, as: DeviceProfile.self, pending: 0, counters: &counters)
    }

    /// Pushes a frozen change set; the same bytes on every retry.
    public func push(_ changeSet: OutgoingChangeSet, pending: Int, counters: inout WireCounters) async throws -> PushResult {
        try await send(.post, "/v1/changesets", body: changeSet.body, as: PushResult.self, pending: pending, counters: &counters)
    }

    /// Registers this device's Ed25519 public key (`Protocol/evidence.md`).
    public func registerKey(_ registration: DeviceKeyRegistration) async throws -> RegisteredDeviceKey {
        var counters = WireCounters()
        return try await send(.post, "/v1/keys", body: try WireCoding.encode(registration), as: RegisteredDeviceKey.self, pending: 0, counters: &counters)
    }

    /// One page: changes after the request's cursor, or the next records of a snapshot.
    public func pull(_ request: PullRequest, pending: Int, counters: inout WireCounters) async throws -> PullPage {
        try await send(.get, "/v1/changes?\(request.query)", body: nil, as: PullPage.self, pending: pending, counters: &counters)
    }

    /// The proof of one report's evidence: its signed operations as the log stores them, linked to the relay's
    /// signed checkpoints (`GET /v1/evidence/{reportId}`, `Protocol/evidence.md`).
    public func evidenceProof(of reportId: String) async throws -> EvidenceProof {
        var counters = WireCounters()
        let escaped = reportId.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? reportId
        return try await send(.get, "/v1/evidence/\(escaped)", body: nil, as: EvidenceProof.self, pending: 0, counters: &counters)
    }

    /// Wraps the typed-throwing transport in a `Result` (works around a Swift 6.3 SIL ownership crash
    /// when a typed error is caught in a generic async function with an `inout` parameter).
    private static func perform(_ request: HTTPRequest, on transport: HTTPTransport) async -> Result<HTTPResponse, TransportError> {
        do {
            return .success(try await transport.send(request))
        } catch {
            return .failure(error)
        }
    }

    /// The relay's refusal as the client reports it: its code and sentence, or the bare HTTP status.
    func refusal(_ response: HTTPResponse) -> ClientError {
        if let error = try? WireCoding.decode(ErrorBody.self, from: response.body) {
            return ClientError.relayRefused(status: response.status, code: error.error.code, message: error.error.message)
        }
        return ClientError.relayRefused(status: response.status, code: .httpStatus(response.status),
                                        message: "an HTTP \(response.status) without an OnSite error body; is \(baseURL) an OnSite relay?")
    }

    private func send<T: Decodable>(_ method: HTTPRequest.Method, _ path: String, body: Data?, as type: T.Type, pending: Int, counters: inout WireCounters) async throws -> T {
        var headers: [(name: String, value: String)] = [
            ("Authorization", "Bearer \(token)"),
            ("Accept", "application/json"),
            (SyncProtocol.versionHeader, String(SyncProtocol.version)),
        ]
        var body = body
        if let plain = body {
            headers.append(("Content-Type", "application/json"))
            // Compressed once the relay said it reads gzip (RFC 7694 `Accept-Encoding` on its answers).
            if plain.count >= 1024, relayEncoding.readsGzip, let compressed = try? Gzip.compress(plain) {
                headers.append(("Content-Encoding", "gzip"))
                body = compressed
            }
        }
        let request = HTTPRequest(method: method, url: baseURL + path, headers: headers, body: body.map { .data($0) } ?? .none)
        let response: HTTPResponse
        switch await Self.perform(request, on: transport) {
        case .success(let value): response = value
        case .failure(let error): throw ClientError.transport(error, pending: pending)
        }
        counters.add(response.metrics)
        if response.headers["accept-encoding"]?.lowercased().contains("gzip") == true { relayEncoding.noteReadsGzip() }
        guard response.isSuccess else { throw refusal(response) }
        do {
            return try WireCoding.decode(T.self, from: response.body)
        } catch {
            throw ClientError.badResponse(error.description)
        }
    }
}

/// Whether the relay said it reads gzip request bodies.
final class RelayEncoding: Sendable {
    private let gzip = Atomic<Bool>(false)

    var readsGzip: Bool { gzip.load(ordering: .relaxed) }
    func noteReadsGzip() { gzip.store(true, ordering: .relaxed) }
}
