import Foundation

/// Sends HTTP requests over libcurl, with certificate verification always on and an optional pinned CA.
///
/// Each ``send(_:progress:)`` runs its blocking transfer on a dedicated thread, never on Swift's cooperative
/// pool, and resumes the caller when it ends. Request bodies from files are streamed; so are responses written
/// to ``HTTPRequest/downloadPath``. Cancelling the calling task aborts the transfer.
///
/// ```swift
/// let transport = HTTPTransport(configuration: .init(caCertificatePath: "/etc/onsite/relay-ca.pem"))
/// let response = try await transport.send(HTTPRequest(url: "https://relay.local:8443/v1/health"))
/// ```
///
/// The transport keeps its connections alive between requests (a libcurl share of connections, TLS sessions
/// and DNS answers): the requests of one sync ride one TLS connection while the relay keeps it open.
public final class HTTPTransport: Sendable {
    /// The settings every request uses.
    public let configuration: TransportConfiguration
    private let share = CurlShare()

    /// Makes a transport.
    public init(configuration: TransportConfiguration = TransportConfiguration()) {
        self.configuration = configuration
    }

    /// Performs one exchange and returns the response, whatever its HTTP status.
    ///
    /// - Parameters:
    ///   - request: What to send.
    ///   - progress: Called on the transfer thread as bytes move; keep it short.
    /// - Returns: The response; check ``HTTPResponse/status``.
    /// - Throws: ``TransportError`` when no complete response arrived (unreachable, timeout, TLS, dropped
    ///   connection, cancellation, unreadable file, ...).
    public func send(
        _ request: HTTPRequest,
        progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws(TransportError) -> HTTPResponse {
        let flag = CancellationFlag()
        let configuration = configuration
        let share = share
        let result: Result<HTTPResponse, TransportError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    let result: Result<HTTPResponse, TransportError>
                    do throws(TransportError) {
                        let transfer = try CurlTransfer(
                            request: request, configuration: configuration, progress: progress, cancellation: flag, share: share)
                        result = transfer.perform()
                    } catch {
                        result = .failure(error)
                    }
                    continuation.resume(returning: result)
                }
                thread.name = "onsite-http"
                thread.start()
            }
        } onCancel: {
            flag.cancel()
        }
        return try result.get()
    }
}
