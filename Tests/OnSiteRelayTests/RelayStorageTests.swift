import Foundation
import OnSiteCore
import OnSiteCrypto
import OnSiteRelay
import OnSiteSync
import Testing

/// The storage seam's facets, the same checks on each store: SQLite and a real PostgreSQL server.
@Suite("Relay storage, on each store")
struct RelayStorageTests {
    /// Whole seconds: SQLite keeps milliseconds, PostgreSQL microseconds.
    static let enrolled = Date(timeIntervalSince1970: 1_780_000_000)

    static func device(_ id: String, _ role: Role = .officer, units: [String] = ["phuong-muong-thanh"], at date: Date = enrolled) -> DeviceRecord {
        DeviceRecord(id: id, name: "Máy \(id)", role: role, units: units, tokenHash: "hash-\(id)", createdAt: date)
    }

    @Test(arguments: StoreKind.allCases)
    func devicesAreFoundByTokenAndListedInEnrolmentOrder(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let later = Self.device("b-later", .hub, units: ["dien-bien", "muong-lay"], at: Self.enrolled.addingTimeInterval(60))
            let first = Self.device("a-first")
            try await store.addDevice(later)
            try await store.addDevice(first)
            #expect(try await store.device(tokenHash: "hash-b-later") == later)
            #expect(try await store.device(tokenHash: "hash-nobody") == nil)
            #expect(try await store.devices() == [first, later])
            #expect(try await store.servedVersion(of: "a-first") == 0)
            #expect(try await store.servedVersion(of: "nobody") == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aSecondDeviceWithTheSameTokenHashIsRefusedAndChangesNothing(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let first = Self.device("a")
            try await store.addDevice(first)
            var twin = Self.device("b")
            twin.tokenHash = first.tokenHash
            await #expect(throws: (any Error).self) { try await store.addDevice(twin) }
            #expect(try await store.devices() == [first])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func revokingKeepsTheDeviceListedAndAnswersWhetherItExists(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.addDevice(Self.device("a"))
            let revokedAt = Self.enrolled.addingTimeInterval(3_600)
            #expect(try await store.revokeDevice(id: "a", at: revokedAt))
            #expect(try await store.revokeDevice(id: "nobody", at: revokedAt) == false)
            // A second revocation keeps the first date.
            #expect(try await store.revokeDevice(id: "a", at: revokedAt.addingTimeInterval(60)))
            let device = try #require(try await store.device(tokenHash: "hash-a"))
            #expect(device.revokedAt == revokedAt)
            #expect(device.isRevoked)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func rotatingATokenRetiresTheOldOne(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.addDevice(Self.device("a"))
            let rotatedAt = Self.enrolled.addingTimeInterval(7_200)
            let rotated = try #require(try await store.rotateToken(of: "a", newTokenHash: "hash-a-2", at: rotatedAt))
            #expect(rotated.tokenHash == "hash-a-2")
            #expect(try await store.device(tokenHash: "hash-a-2")?.id == "a")
            #expect(try await store.device(tokenHash: "hash-a") == nil)
            let retired = try #require(try await store.retiredToken("hash-a"))
            #expect(retired.device.id == "a")
            #expect(retired.retiredAt == rotatedAt)
            #expect(try await store.retiredToken("hash-a-2") == nil)
            #expect(try await store.rotateToken(of: "nobody", newTokenHash: "hash-x", at: rotatedAt) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRevokedDeviceCannotRotateAndKeepsItsToken(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.addDevice(Self.device("a"))
            _ = try await store.revokeDevice(id: "a", at: Self.enrolled.addingTimeInterval(60))
            let error = await #expect(throws: RelayError.self) {
                try await store.rotateToken(of: "a", newTokenHash: "hash-a-2", at: Self.enrolled.addingTimeInterval(120))
            }
            #expect(error?.detail.code == .deviceRevoked)
            #expect(try await store.device(tokenHash: "hash-a")?.id == "a")
            #expect(try await store.retiredToken("hash-a") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func lastSeenTimesCountActiveDevicesButNotRevokedOnes(kind: StoreKind) async throws {
        try await kind.withStore { store in
            for id in ["a", "b", "c"] { try await store.addDevice(Self.device(id)) }
            let now = Self.enrolled.addingTimeInterval(86_400)
            try await store.noteSeen("a", at: now.addingTimeInterval(-100_000))
            try await store.noteSeen("a", at: now.addingTimeInterval(-60))
            try await store.noteSeen("b", at: now.addingTimeInterval(-30))
            try await store.noteSeen("c", at: now.addingTimeInterval(-10))
            _ = try await store.revokeDevice(id: "c", at: now)
            #expect(try await store.lastSeen() == [
                "a": now.addingTimeInterval(-60), "b": now.addingTimeInterval(-30), "c": now.addingTimeInterval(-10),
            ])
            #expect(try await store.activeDeviceCount(since: now.addingTimeInterval(-86_400)) == 2)
            #expect(try await store.activeDeviceCount(since: now.addingTimeInterval(-45)) == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aNewStoreHasAnIdentityAtEpochOneAndAnEmptyLog(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let identity = try await store.identity()
            #expect(identity.epoch == 1)
            #expect(UUID(uuidString: identity.relayId) != nil)
            #expect(try await store.serverVersion() == 0)
            let (again, version) = try await store.identityAndVersion()
            #expect(again == identity)
            #expect(version == 0)
        }
    }

    static func registration(_ key: Ed25519PrivateKey) -> DeviceKeyRegistration {
        DeviceKeyRegistration(publicKey: Data(key.publicKey.rawRepresentation).base64EncodedString())
    }

    @Test(arguments: StoreKind.allCases)
    func aKeyIsRegisteredOnceAndRegisteringItAgainAnswersTheStoredEntry(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.addDevice(Self.device("a"))
            let key = try Ed25519PrivateKey.generate()
            let registered = try await store.registerKey(Self.registration(key), for: "a", at: Self.enrolled)
            #expect(registered == RegisteredDeviceKey(deviceId: "a", keyId: key.publicKey.keyId, registeredAt: Self.enrolled))
            let again = try await store.registerKey(Self.registration(key), for: "a", at: Self.enrolled.addingTimeInterval(60))
            #expect(again == registered)
            let keys = try await store.deviceKeys()
            #expect(keys.map(\.keyId) == [key.publicKey.keyId])
            #expect(keys.first?.publicKey.rawRepresentation == key.publicKey.rawRepresentation)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anotherDevicesKeyAMalformedKeyAndOneKeyTooManyAreRefusedAndStoreNothing(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.addDevice(Self.device("a"))
            try await store.addDevice(Self.device("b"))
            let key = try Ed25519PrivateKey.generate()
            _ = try await store.registerKey(Self.registration(key), for: "a", at: Self.enrolled)
            let taken = await #expect(throws: RelayError.self) { try await store.registerKey(Self.registration(key), for: "b", at: Self.enrolled) }
            #expect(taken?.detail.code == .invalidKey)
            let malformed = await #expect(throws: RelayError.self) {
                try await store.registerKey(DeviceKeyRegistration(publicKey: "AAAA"), for: "b", at: Self.enrolled)
            }
            #expect(malformed?.detail.code == .invalidKey)
            for _ in 1..<RelayStore.maxKeysPerDevice {
                _ = try await store.registerKey(Self.registration(try Ed25519PrivateKey.generate()), for: "a", at: Self.enrolled)
            }
            let tooMany = await #expect(throws: RelayError.self) {
                try await store.registerKey(Self.registration(try Ed25519PrivateKey.generate()), for: "a", at: Self.enrolled)
            }
            #expect(tooMany?.detail.code == .invalidKey)
            let keys = try await store.deviceKeys()
            #expect(keys.count == RelayStore.maxKeysPerDevice)
            #expect(keys.allSatisfy { $0.deviceId == "a" })
        }
    }

    @Test func twoStoresGetDifferentIdentities() async throws {
        for kind in StoreKind.allCases {
            let first = try await kind.withStore { try await $0.identity() }
            let second = try await kind.withStore { try await $0.identity() }
            #expect(first.relayId != second.relayId, "\(kind)")
        }
    }
}
