import ArgumentParser
import Foundation
import OnSiteCore
import OnSiteCrypto
import OnSiteRelay
import OnSiteSync

struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "Enrol, list and revoke devices.",
        subcommands: [Add.self, List.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enrol a device and print its token once.")

        @OptionGroup var options: ConfigurationOptions
        @Option(help: "officer, leader, hub, supervisor or admin.") var role: Role
        @Option(name: .customLong("unit"), help: "A unit code the device works in (repeat for several).") var units: [String] = []
        @Option(help: "A name people recognise (the officer, the phone).") var name: String
        @Flag(help: "Print JSON: deviceId and token.") var json = false

        func validate() throws {
            if role != .admin, units.isEmpty {
                throw ValidationError("A \(role.rawValue) needs at least one --unit (a commune, district or province code).")
            }
            for unit in units {
                if let problem = ChangeSetValidator().identifierProblem(unit, name: "--unit \(unit)") { throw ValidationError(problem) }
            }
        }

        func run() async throws {
            let configuration = try options.load()
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            let store = try RelayStore(path: configuration.storePath)
            let token = try DeviceToken.generate()
            let device = DeviceRecord(
                id: UUID().uuidString.lowercased(), name: VietnameseText.normalized(name), role: role,
                units: units, tokenHash: token.hashHex, createdAt: Date())
            try await store.addDevice(device)
            if json {
                print("{\"deviceId\":\"\(device.id)\",\"token\":\"\(token.rawValue)\"}")
            } else {
                print("Enrolled \(device.name) (\(role.rawValue), units: \(units.joined(separator: ", "))) as device \(device.id).")
                print("Token (shown once, the relay keeps only its hash):")
                print(token.rawValue)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List enrolled devices.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let store = try RelayStore(path: try options.load().storePath)
            for device in try await store.devices() {
                let state = device.isRevoked ? "revoked" : "active"
                print("\(device.id)  \(device.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))  \(state)  \(device.name)  [\(device.units.joined(separator: ", "))]")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a device's token.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "The device id.") var deviceId: String

        func run() async throws {
            let store = try RelayStore(path: try options.load().storePath)
            guard try await store.revokeDevice(id: deviceId, at: Date()) else {
                throw ValidationError("No device \(deviceId) on this relay; `onsite-relay device list` shows them.")
            }
            print("Revoked device \(deviceId). Its unsynced work stays on the device.")
        }
    }
}

extension Role: ExpressibleByArgument {}
