import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

/// The supervisor web page under `/web`: sign-in with a supervisor or hub token, then read-only pages rendered on
/// the server (see ``WebPages``), photo thumbnails, and the stylesheet.
///
/// Sign-in and sign-out are POST-only and must come from the page itself (`Origin` equal to the relay's own
/// origin); the session cookie is HttpOnly, Secure and SameSite=Strict, so another site can neither read it nor
/// make the browser send it. The token travels only in the sign-in form's body: never in a URL, never logged.
struct WebController: Sendable {
    let store: any RelayDeviceStorage & RelayBlobReferenceStorage & RelayIdentityStorage & RelayWebStorage
    let blobs: RelayBlobStore
    /// Whether the relay serves TLS: the scheme of its own origin.
    let isTLS: Bool
    let sessions: WebSessions
    let scopes: WebScopeCache
    let thumbnails: ThumbnailCache

    static let languageCookie = "onsite_lang"
    /// The built-in catalogue's units and category names, read once.
    static let units = Result { () throws(DataFileError) -> UnitDirectory in try BuiltInCatalogue.units() }
    static let categories = Result { () throws(DataFileError) -> [String: String] in
        Dictionary(try BuiltInCatalogue.categories().map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    }
    static let maxFormBytes = 4096

    init(store: any RelayDeviceStorage & RelayBlobReferenceStorage & RelayIdentityStorage & RelayWebStorage, blobs: RelayBlobStore, isTLS: Bool, sessions: WebSessions = WebSessions()) {
        self.store = store
        self.blobs = blobs
        self.isTLS = isTLS
        self.sessions = sessions
        self.scopes = WebScopeCache(store: store)
        self.thumbnails = ThumbnailCache()
    }

    func addRoutes(to router: Router<RelayRequestContext>) {
        let web = router.group("web").add(middleware: WebSecurityHeaders())
        web.get("style.css") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: WebStyle.css)))
        }
        web.get("signin") { request, context -> Response in try await page(request, context, needsSession: false) { _, _ in nil } }
        web.post("signin", use: signIn)
        web.post("signout", use: signOut)
        web.get("") { request, context -> Response in try await page(request, context) { view, signedIn in
            HTMLPage(try await pages(view, signedIn).summary())
        } }
        web.get("districts/:district") { request, context -> Response in try await page(request, context) { view, signedIn in
            try await pages(view, signedIn).district(context.parameters.get("district") ?? "").map { HTMLPage($0) }
        } }
        web.get("districts/:district/communes/:commune") { request, context -> Response in try await page(request, context) { view, signedIn in
            let page = request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1
            return try await pages(view, signedIn).reports(
                district: context.parameters.get("district") ?? "", commune: context.parameters.get("commune") ?? "", page: page
            ).map { HTMLPage($0) }
        } }
        web.get("reports/:id") { request, context -> Response in try await page(request, context) { view, signedIn in
            let id = context.parameters.get("id") ?? ""
            let pages = try await pages(view, signedIn)
            var granted: Set<String> = []
            for attachment in pages.snapshot.entries[id]?.record.attachments ?? [] where !granted.contains(attachment.sha256) {
                if try await store.blobAccess(attachment.sha256, for: signedIn.device.actor).isGranted { granted.insert(attachment.sha256) }
            }
            return pages.report(id, role: signedIn.device.role, grantedPhotos: granted).map { HTMLPage($0) }
        } }
        web.get("photos/:sha256") { request, context -> Response in try await photo(request, context, thumbnail: false) }
        web.get("photos/:sha256/thumbnail") { request, context -> Response in try await photo(request, context, thumbnail: true) }
    }

    // MARK: Sessions

    /// The device behind a live session, and the session id.
    struct SignedIn: Sendable {
        var device: DeviceRecord
        var sessionId: String
    }

    /// The signed-in device, or nil: no cookie, an unknown or expired session, or a device since revoked, rotated
    /// or no longer a supervisor or hub (the session then ends).
    func signedIn(_ request: Request) async throws -> SignedIn? {
        guard let id = request.cookies[WebSessions.cookieName]?.value, !id.isEmpty, let session = sessions.use(id) else { return nil }
        guard let device = try await store.device(tokenHash: session.tokenHash), device.id == session.deviceId, !device.isRevoked,
              Self.mayRead(device.role)
        else {
            sessions.close(id)
            return nil
        }
        return SignedIn(device: device, sessionId: id)
    }

    static func mayRead(_ role: Role) -> Bool { role == .supervisor || role == .hub }

    @Sendable func signIn(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let view = try makeView(request, signedIn: false)
        guard isSameOrigin(request) else { return htmlResponse(WebPages.signIn(view, message: view.text.crossSiteRefused), status: .forbidden) }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxFormBytes)
        } catch {
            return htmlResponse(WebPages.signIn(view, message: view.text.wrongToken), status: .contentTooLarge)
        }
        let token = (FormEncoding.fields(String(buffer: body))["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let hash = DeviceToken.hashHex(of: token)
        guard !token.isEmpty, let device = try await store.device(tokenHash: hash), !device.isRevoked else {
            context.logger.notice("web sign-in refused: unknown, revoked or rotated token")
            return htmlResponse(WebPages.signIn(view, message: view.text.wrongToken), status: .unauthorized)
        }
        guard Self.mayRead(device.role) else {
            context.logger.notice("web sign-in refused: role", metadata: ["relay.device": .string(device.id), "relay.role": .string(device.role.rawValue)])
            return htmlResponse(WebPages.signIn(view, message: view.text.roleRefused(device.role)), status: .forbidden)
        }
        let id = try sessions.open(deviceId: device.id, tokenHash: hash)
        context.logger.info("web sign-in", metadata: ["relay.device": .string(device.id)])
        var response = redirect(to: view.link("/web"))
        response.headers.append(HTTPField(name: .setCookie, value: sessionCookie(id, maxAge: Int(sessions.lifetime))))
        return response
    }

    @Sendable func signOut(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let view = try makeView(request, signedIn: false)
        guard isSameOrigin(request) else { return htmlResponse(WebPages.message(view, title: view.text.signOut, view.text.crossSiteRefused), status: .forbidden) }
        if let id = request.cookies[WebSessions.cookieName]?.value { sessions.close(id) }
        var response = redirect(to: "/web/signin")
        response.headers.append(HTTPField(name: .setCookie, value: sessionCookie("", maxAge: 0)))
        return response
    }

    private func sessionCookie(_ value: String, maxAge: Int) -> String {
        "\(WebSessions.cookieName)=\(value); Path=/web; Max-Age=\(maxAge); HttpOnly; Secure; SameSite=Strict"
    }

    /// Whether a POST came from the relay's own pages: its `Origin` is this relay's scheme and host, or, since
    /// `Referrer-Policy: no-referrer` makes browsers send `Origin: null`, the browser's own `Sec-Fetch-Site`
    /// (a header no page can set) says `same-origin`.
    func isSameOrigin(_ request: Request) -> Bool {
        let origin = request.headers[.origin]
        if let origin, origin != "null" {
            guard let host = request.head.authority else { return false }
            return origin == (isTLS ? "https://" : "http://") + host
        }
        return request.headers[Self.fetchSite] == "same-origin"
    }

    static let fetchSite: HTTPField.Name = {
        guard let name = HTTPField.Name("Sec-Fetch-Site") else { preconditionFailure("Sec-Fetch-Site is a valid field name") }
        return name
    }()

    // MARK: Pages

    /// A rendered page, or nil for 404.
    struct HTMLPage: Sendable {
        var html: String
        init(_ html: String) { self.html = html }
    }

    private func pages(_ view: WebView, _ signedIn: SignedIn) async throws -> WebPages {
        let snapshot = try await scopes.snapshot(for: signedIn.device.actor)
        return WebPages(view: view, snapshot: snapshot, units: try Self.units.get(), categories: try Self.categories.get())
    }

    /// Runs a page's renderer with the reader's view; sends the signed-out reader to sign-in, a bad query to a 400
    /// page, nil to a 404 page, and any failure to a 500 page (logged, never shown).
    private func page(
        _ request: Request, _ context: RelayRequestContext, needsSession: Bool = true,
        render: (WebView, SignedIn) async throws -> HTMLPage?
    ) async throws -> Response {
        let signedIn = try await signedIn(request)
        let view: WebView
        do {
            view = try makeView(request, signedIn: signedIn != nil)
        } catch {
            let fallback = WebView(text: WebText(language(request)), asOf: Date(), requestedAsOf: nil, step: .handling,
                                   signedIn: signedIn != nil, path: request.uri.path)
            return htmlResponse(WebPages.message(fallback, title: "400", error.message(fallback.text.language)), status: .badRequest)
        }
        var response: Response
        if !needsSession {
            if signedIn != nil { return redirect(to: view.link("/web")) }
            response = htmlResponse(WebPages.signIn(view, message: nil), status: .ok)
        } else if let signedIn {
            do {
                if let page = try await render(view, signedIn) {
                    response = htmlResponse(page.html, status: .ok)
                } else {
                    response = htmlResponse(WebPages.message(view, title: "404", view.text.notFound), status: .notFound)
                }
            } catch {
                context.logger.error("web page failed", metadata: ["relay.error": .string(String(describing: error)), "relay.path": .string(request.uri.path)])
                response = htmlResponse(WebPages.message(view, title: "500", view.text.serverFailed), status: .internalServerError)
            }
        } else {
            response = redirect(to: "/web/signin")
        }
        if let chosen = request.uri.queryParameters.get("lang"), ReportLanguage(rawValue: chosen) != nil {
            response.headers.append(HTTPField(name: .setCookie, value: "\(Self.languageCookie)=\(chosen); Path=/web; Max-Age=31536000; Secure; SameSite=Strict"))
        }
        return response
    }

    /// The reader's language: `?lang=`, else the cookie the switch left, else Vietnamese.
    private func language(_ request: Request) -> ReportLanguage {
        request.uri.queryParameters.get("lang").flatMap(ReportLanguage.init(rawValue:))
            ?? request.cookies[Self.languageCookie].flatMap { ReportLanguage(rawValue: $0.value) } ?? .vietnamese
    }

    private func makeView(_ request: Request, signedIn: Bool) throws(WebQueryError) -> WebView {
        let query = request.uri.queryParameters
        var asOf = Date()
        let requested = query.get("asOf")
        if let requested {
            guard let instant = WireDate.parse(requested) else { throw .badAsOf(requested) }
            asOf = instant
        }
        var step = DeadlineStep.handling
        if let named = query.get("step") {
            guard let known = DeadlineStep(rawValue: named) else { throw .badStep(named) }
            step = known
        }
        return WebView(text: WebText(language(request)), asOf: asOf, requestedAsOf: requested, step: step, signedIn: signedIn,
                       path: request.uri.path)
    }

    // MARK: Photos

    /// A photo or its thumbnail, for a signed-in device that may have the bytes (the rules of `/v1/blobs`).
    private func photo(_ request: Request, _ context: RelayRequestContext, thumbnail: Bool) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return plain("Sign in first: /web/signin", status: .unauthorized) }
        let sha256 = context.parameters.get("sha256") ?? ""
        let text = WebText(language(request))
        guard UploadProtocol.isBlobHash(sha256), try await store.blobAccess(sha256, for: signedIn.device.actor).isGranted else {
            return plain(text.notFound, status: .notFound)
        }
        var headers = HTTPFields()
        headers[.contentType] = "image/jpeg"
        headers[.cacheControl] = "private, no-store"
        if !thumbnail {
            let body = try await FileIO().loadFile(path: blobs.blobPath(sha256), context: context)
            return Response(status: .ok, headers: headers, body: body)
        }
        if let cached = thumbnails.thumbnail(sha256) {
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: cached)))
        }
        do {
            let small = try Thumbnailer.thumbnail(ofFile: blobs.blobPath(sha256))
            thumbnails.keep(small, for: sha256)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: small)))
        } catch {
            context.logger.notice("no thumbnail", metadata: ["relay.blob": .string(sha256), "relay.error": .string(error.description)])
            return plain(text.photoUnreadable, status: .unprocessableContent)
        }
    }

    // MARK: Responses

    private func htmlResponse(_ html: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private func plain(_ text: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    private func redirect(to location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}

/// A query the pages cannot read.
enum WebQueryError: Error {
    case badAsOf(String)
    case badStep(String)

    func message(_ language: ReportLanguage) -> String {
        let vi = language == .vietnamese
        switch self {
        case .badAsOf(let text):
            return vi ? "Tham số asOf phải là một thời điểm ISO 8601 (ví dụ 2024-04-19T03:00:00Z), không phải “\(text)”."
                : "asOf must be an ISO 8601 instant (e.g. 2024-04-19T03:00:00Z), not “\(text)”."
        case .badStep(let text):
            let steps = DeadlineStep.allCases.map(\.rawValue).joined(separator: ", ")
            return vi ? "Tham số step phải là một trong: \(steps); không phải “\(text)”." : "step must be one of: \(steps); not “\(text)”."
        }
    }
}

/// The headers every `/web` answer carries: no scripts, frames, or outside resources at all; styles and images
/// from the relay only; no MIME sniffing, no referrer; pages never cached (the stylesheet may be).
struct WebSecurityHeaders: RouterMiddleware {
    typealias Context = RelayRequestContext

    static let policy = "default-src 'none'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    static let referrerPolicy: HTTPField.Name = {
        guard let name = HTTPField.Name("Referrer-Policy") else { preconditionFailure("Referrer-Policy is a valid field name") }
        return name
    }()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
