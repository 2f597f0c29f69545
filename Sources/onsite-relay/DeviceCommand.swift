import ArgumentParser
import Foundation
import Logging
import OnSiteCore
import OnSiteCrypto
import OnSiteRelay
import OnSiteSync

struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "Enrol, list, rotate and revoke devices.",
        subcommands: [Add.self, List.self, Rotate.self, Revoke.self])

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
            let token = try DeviceToken.generate()
            let device = DeviceRecord(
                id: UUID().uuidString.lowercased(), name: VietnameseText.normalized(name), role: role,
                units: units, tokenHash: token.hashHex, createdAt: Date())
            try await configuration.withStore(logger: commandLogger) { store in try await store.addDevice(device) }
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
        static let configuration = CommandConfiguration(abstract: "List enrolled devices with when each was last seen.")
        @OptionGroup var options: ConfigurationOptions
        @Flag(help: "Print JSON: an array of {deviceId, name, role, units, state, createdAt, revokedAt, lastSeenAt}.") var json = false

        /// One device as `--json` prints it (never its token hash).
        struct Listed: Encodable {
            var deviceId, name, role, state: String
            var units: [String]
            var createdAt: Date
            var revokedAt, lastSeenAt: Date?
        }

        func run() async throws {
            let (seen, devices) = try await options.load().withStore(logger: commandLogger) { store in
                (try await store.lastSeen(), try await store.devices())
            }
            let listed = devices.map { device in
                Listed(deviceId: device.id, name: device.name, role: device.role.rawValue, state: device.isRevoked ? "revoked" : "active",
                       units: device.units, createdAt: device.createdAt, revokedAt: device.revokedAt, lastSeenAt: seen[device.id])
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(listed), as: UTF8.self))
                return
            }
            for device in listed {
                let lastSeen = device.lastSeenAt.map { "last seen \($0.formatted(.iso8601))" } ?? "never seen"
                print("\(device.deviceId)  \(device.role.padding(toLength: 10, withPad: " ", startingAt: 0))  \(device.state)  \(lastSeen)  \(device.name)  [\(device.units.joined(separator: ", "))]")
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a device a new token; the old one stops working at once.",
            discussion: "The device keeps its id and its unsynced work: on it, run `onsite enroll --replace --relay URL --token NEW`.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "The device id.") var deviceId: String
        @Flag(help: "Print JSON: deviceId and token.") var json = false

        func run() async throws {
            let token = try DeviceToken.generate()
            let rotated = try await options.load().withStore(logger: commandLogger) { store in
                try await store.rotateToken(of: deviceId, newTokenHash: token.hashHex, at: Date())
            }
            guard let device = rotated else {
                throw ValidationError("No device \(deviceId) on this relay; `onsite-relay device list` shows them.")
            }
            if json {
                print("{\"deviceId\":\"\(device.id)\",\"token\":\"\(token.rawValue)\"}")
            } else {
                print("New token for \(device.name) (device \(device.id)); the old token is refused from now on.")
                print("Token (shown once, the relay keeps only its hash):")
                print(token.rawValue)
                print("On the device: onsite enroll --replace --relay URL --token <this token> (its unsynced work is kept).")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a device's token.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "The device id.") var deviceId: String

        func run() async throws {
            let revoked = try await options.load().withStore(logger: commandLogger) { store in
                try await store.revokeDevice(id: deviceId, at: Date())
            }
            guard revoked else {
                throw ValidationError("No device \(deviceId) on this relay; `onsite-relay device list` shows them.")
            }
            print("Revoked device \(deviceId). Its unsynced work stays on the device.")
        }
    }
}

extension Role: ExpressibleByArgument {}

/// The logger of the commands that open the store: notices and worse (a PostgreSQL migration applied), on
/// standard error; standard output stays the command's answer.
let commandLogger: Logger = {
    var logger = Logger(label: "onsite-relay")
    logger.logLevel = .notice
    return logger
}()
