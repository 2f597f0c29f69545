import Foundation
import OnSiteTesting

/// The sample photos in Samples/photos, and big valid JPEGs made from them.
enum SamplePhotos {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples/photos")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// A valid JPEG of at least `size` bytes: the sample with comment segments of seeded random bytes inserted
    /// after its start-of-image marker, so its EXIF (position, time) and its end-of-image marker stay as they are.
    static func padded(_ name: String, to size: Int, seed: UInt64, in directory: URL) throws -> URL {
        let original = try Data(contentsOf: folder.appendingPathComponent(name))
        var output = Data(original.prefix(2))  // FF D8
        var generator = SeededGenerator(seed: seed)
        while output.count + original.count < size {
            let payload = min(65_533, size - output.count - original.count)
            output.append(contentsOf: [0xFF, 0xFE, UInt8((payload + 2) >> 8), UInt8((payload + 2) & 0xFF)])
            var bytes = [UInt8](repeating: 0, count: payload)
            bytes.withUnsafeMutableBytes { raw in
                var index = 0
                while index + 8 <= payload {
                    raw.storeBytes(of: generator.next(), toByteOffset: index, as: UInt64.self)
                    index += 8
                }
                while index < payload {
                    raw[index] = UInt8(truncatingIfNeeded: generator.next())
                    index += 1
                }
            }
            output.append(contentsOf: bytes)
        }
        output.append(original.dropFirst(2))
        let url = directory.appendingPathComponent("big-\(seed)-\(name)")
        try output.write(to: url)
        return url
    }

    /// The SHA-256 of a file, by `sha256sum`.
    static func sha256(_ path: String) throws -> String {
        let result = try run(URL(fileURLWithPath: "/usr/bin/sha256sum"), [path])
        return String(result.output.prefix(64))
    }
}

