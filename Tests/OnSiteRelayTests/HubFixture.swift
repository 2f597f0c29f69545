import Foundation
import HummingbirdTesting
import HTTPTypes
import NIOCore
import OnSiteCore
import OnSiteRelay
import OnSiteSync

/// A relay holding four reports of Điện Biên, pushed by the hub, and a device of every role: the fixture of the
/// hub's read routes (Open311 and exports), on either store.
///
/// | id   | ward               | status    | received             | notes                                               |
/// |------|--------------------|-----------|----------------------|-----------------------------------------------------|
/// | pa-1 | phuong-muong-thanh | forwarded | 2024-04-10T02:00Z    | traffic; reporter Lò Văn Hùng 0912 345 678          |
/// | pa-2 | phuong-muong-thanh | published | 2024-04-12T02:00Z    | environment; confidential reporter Cà Thị Hoa 0987  |
/// | pa-3 | phuong-him-lam     | rejected  | 2024-04-15T02:00Z    | no position; title starts with `=`, text with `,"` and a line break |
/// | pa-4 | phuong-him-lam     | received  | two days ago         | inside Open311's default 90-day window              |
struct HubFixture {
    let base: RelayRouteTests.Fixture
    let tokens: [Role: String]
    static let officerPhone = "0912 345 678"
    static let confidentialPhone = "0987 654 321"

    static func date(_ text: String) -> Date {
        WireDate.parse(text) ?? Date(timeIntervalSince1970: 0)
    }

    init(_ kind: StoreKind = .sqlite) async throws {
        base = try await RelayRouteTests.Fixture(kind)
        var tokens: [Role: String] = [.hub: base.hub.token, .officer: base.officer.token]
        tokens[.leader] = try await RelayRouteTests.Fixture.add(.leader, ["phuong-muong-thanh"], to: base.server.storage).token
        tokens[.supervisor] = try await RelayRouteTests.Fixture.add(.supervisor, ["dien-bien"], to: base.server.storage).token
        tokens[.admin] = try await RelayRouteTests.Fixture.add(.admin, [], to: base.server.storage).token
        self.tokens = tokens
        let base = self.base
        let push = base.changeSet(from: base.hub.id, sequence: 1, Self.reports().map { (.createReport($0), $0.id) })
        try await base.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/changesets", method: .post, headers: RelayRouteTests.headers(base.hub.token),
                                     body: try RelayRouteTests.body(push)) { response in
                precondition(response.status == .ok, "the fixture's push failed: \(String(buffer: response.body))")
            }
        }
    }

    static func reports(now: Date = Date()) -> [Report] {
        func area(_ ward: String) -> AdministrativeArea {
            AdministrativeArea(province: "dien-bien", district: "tp-dien-bien-phu", commune: ward)
        }
        return [
            Report(id: "pa-1", code: "PA-1", title: "Ổ gà trên đường Võ Nguyên Giáp", description: "Ổ gà sâu, nguy hiểm",
                   category: "an-toan-giao-thong", location: GeoPoint(latitude: 21.3856, longitude: 103.0169), address: "Tổ 5, phường Mường Thanh",
                   area: area("phuong-muong-thanh"), reporter: Reporter(name: "Lò Văn Hùng", phone: officerPhone),
                   receivedAt: date("2024-04-10T02:00:00Z"), status: .forwarded, assignedUnit: "phuong-muong-thanh"),
            Report(id: "pa-2", code: "PA-2", title: "Rác thải tồn đọng", description: "Rác chưa được thu gom",
                   category: "moi-truong", location: GeoPoint(latitude: 21.39, longitude: 103.02), address: "Tổ 9",
                   area: area("phuong-muong-thanh"),
                   reporter: Reporter(name: "Cà Thị Hoa", phone: confidentialPhone, isConfidential: true),
                   receivedAt: date("2024-04-12T02:00:00Z"), status: .published, assignedUnit: "phuong-muong-thanh"),
            Report(id: "pa-3", code: "PA-3", title: "=HYPERLINK(\"x\")", description: "Lấn chiếm vỉa hè, \"nghiêm trọng\"\nđề nghị xử lý",
                   category: "trat-tu-do-thi", location: nil, address: "Phường Him Lam",
                   area: area("phuong-him-lam"), reporter: Reporter(name: "Quàng Văn Minh", phone: "0911"),
                   receivedAt: date("2024-04-15T02:00:00Z"), status: .rejected, assignedUnit: "phuong-him-lam"),
            Report(id: "pa-4", code: "PA-4", title: "Đèn đường hỏng", description: "",
                   category: "ha-tang-do-thi", location: GeoPoint(latitude: 21.40, longitude: 103.03), address: "Tổ 2",
                   area: area("phuong-him-lam"), reporter: Reporter(name: "Lường Thị Mai", phone: "0913"),
                   receivedAt: WireDate.rounded(now.addingTimeInterval(-2 * 86_400)), status: .received),
        ]
    }

    /// GETs `uri` with the role's token and returns the status and body.
    func get(_ uri: String, as role: Role?) async throws -> (status: HTTPResponse.Status, body: Data, headers: HTTPFields) {
        var headers = HTTPFields()
        if let role, let token = tokens[role] { headers[.authorization] = "Bearer \(token)" }
        let request = headers
        return try await base.server.makeApplication().test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: request) { response in
                (response.status, Data(response.body.readableBytesView), response.headers)
            }
        }
    }
}
