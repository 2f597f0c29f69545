import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// An enrolled device, as the relay stores it. The token itself is never stored, only its SHA-256.
public struct DeviceRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "device"

    public var id: String
    public var name: String
    public var role: Role
    /// Unit codes, comma-separated in the database.
    public var units: [String]
    public var tokenHash: String
    public var createdAt: Date
    public var revokedAt: Date?

    public var isRevoked: Bool { revokedAt != nil }

    public var actor: Actor { Actor(deviceId: id, role: role, units: Set(units)) }

    public enum Columns {
        public static let id = Column("id")
        public static let tokenHash = Column("tokenHash")
    }

    public init(id: String, name: String, role: Role, units: [String], tokenHash: String, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.units = units
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public init(row: Row) throws {
        id = row["id"]
        name = row["name"]
        let roleName: String = row["role"]
        guard let role = Role(rawValue: roleName) else {
            throw RelayError(.internalServerError, code: .corruptStore, message: "Device \(id) has an unknown role `\(roleName)` in the relay's database.")
        }
        self.role = role
        units = (row["units"] as String).split(separator: ",").map(String.init)
        tokenHash = row["tokenHash"]
        createdAt = row["createdAt"]
        revokedAt = row["revokedAt"]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["name"] = name
        container["role"] = role.rawValue
        container["units"] = units.joined(separator: ",")
        container["tokenHash"] = tokenHash
        container["createdAt"] = createdAt
        container["revokedAt"] = revokedAt
    }
}
