import Foundation

/// The container of an evidence bundle: a POSIX ustar archive (`Protocol/evidence.md`, "Evidence bundles"),
/// written here and read back with every header checked, so any `tar -tf` lists it and a hostile file cannot
/// make the reader allocate more than one member's bounded size.
///
/// Only regular files with names the bundle defines are written or accepted; no links, no folders, no prefixes.
enum BundleArchive {
    static let blockSize = 512

    /// One member's header fields that the bundle uses.
    struct Member: Sendable, Hashable {
        var name: String
        var size: Int64
    }

    /// The 512-byte ustar header of a regular file (mode 0644, owner 0, the given modification time).
    static func header(name: String, size: Int64, modified: Date) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: blockSize)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int64, width: Int) -> String {
            let digits = String(value, radix: 8)
            return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
        }
        put(name, at: 0, width: 100)
        put(octal(0o644, width: 8), at: 100, width: 7)
        put(octal(0, width: 8), at: 108, width: 7)
        put(octal(0, width: 8), at: 116, width: 7)
        put(octal(size, width: 12), at: 124, width: 11)
        put(octal(Int64(max(0, modified.timeIntervalSince1970)), width: 12), at: 136, width: 11)
        put("        ", at: 148, width: 8)
        block[156] = UInt8(ascii: "0")
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        let sum = block.reduce(0) { $0 + Int64($1) }
        put(octal(sum, width: 7), at: 148, width: 6)
        block[154] = 0
        block[155] = UInt8(ascii: " ")
        return block
    }

    /// Zero bytes after a member of `size` bytes, up to the next block.
    static func padding(after size: Int64) -> Int {
        let remainder = Int(size % Int64(blockSize))
        return remainder == 0 ? 0 : blockSize - remainder
    }

    /// Reads one header block: the member, or nil at the end-of-archive (a zero block).
    ///
    /// - Throws: ``EvidenceBundleError`` when the block is not a ustar header of a regular file, its checksum
    ///   is wrong, or its size is not a plain octal number.
    static func parseHeader(_ block: [UInt8], at offset: Int64) throws(EvidenceBundleError) -> Member? {
        guard block.count == blockSize else { throw .malformed("the archive ends inside a header at byte \(offset)") }
        if block.allSatisfy({ $0 == 0 }) { return nil }
        guard let stored = octalValue(block[148..<156]) else { throw .malformed("the header at byte \(offset) has no valid checksum") }
        var sum: Int64 = 0
        for (index, byte) in block.enumerated() { sum += (148..<156).contains(index) ? 32 : Int64(byte) }
        guard sum == stored else { throw .malformed("the header at byte \(offset) fails its checksum: the file is damaged or not a bundle") }
        guard block[156] == UInt8(ascii: "0") || block[156] == 0 else {
            throw .malformed("the member at byte \(offset) is not a regular file (links and folders are refused)")
        }
        guard block[345..<500].allSatisfy({ $0 == 0 }) else { throw .malformed("the member at byte \(offset) uses a name prefix, which bundles never do") }
        let nameBytes = block[0..<100].prefix { $0 != 0 }
        guard let name = String(bytes: nameBytes, encoding: .utf8), !name.isEmpty else {
            throw .malformed("the member at byte \(offset) has no readable name")
        }
        guard let size = octalValue(block[124..<136]) else { throw .malformed("member \(name.prefix(100)): its size field is not an octal number") }
        return Member(name: name, size: size)
    }

    /// An octal field: digits, then NUL or space padding.
    private static func octalValue(_ field: ArraySlice<UInt8>) -> Int64? {
        var value: Int64 = 0
        var digits = 0
        var ended = false
        for byte in field {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "7") where !ended:
                guard digits < 12 else { return nil }
                value = value * 8 + Int64(byte - UInt8(ascii: "0"))
                digits += 1
            case 0, UInt8(ascii: " "):
                if digits > 0 { ended = true }
            default:
                return nil
            }
        }
        return digits > 0 ? value : nil
    }
}

/// Writes a bundle archive member by member, to a temporary file renamed into place when finished.
final class BundleArchiveWriter {
    private let handle: FileHandle
    private let temporary: URL
    private let destination: URL
    private let modified: Date

    init(destination: URL, modified: Date) throws(EvidenceBundleError) {
        self.destination = destination
        self.modified = modified
        temporary = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: temporary) else {
            throw .cannotWrite(destination.path, "cannot create a file in its folder")
        }
        self.handle = handle
    }

    /// Adds a member from bytes in memory.
    func add(_ name: String, bytes: Data) throws(EvidenceBundleError) {
        do {
            try handle.write(contentsOf: Data(BundleArchive.header(name: name, size: Int64(bytes.count), modified: modified)))
            try handle.write(contentsOf: bytes)
            try handle.write(contentsOf: Data(count: BundleArchive.padding(after: Int64(bytes.count))))
        } catch {
            throw .cannotWrite(destination.path, "\(error)")
        }
    }

    /// Adds a member copied from a file in chunks of 256 KiB.
    func add(_ name: String, file path: String) throws(EvidenceBundleError) {
        do {
            let source = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? source.close() }
            let size = Int64(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0)
            try handle.write(contentsOf: Data(BundleArchive.header(name: name, size: size, modified: modified)))
            var copied: Int64 = 0
            while copied < size, let chunk = try source.read(upToCount: 256 * 1024), !chunk.isEmpty {
                let part = chunk.prefix(Int(size - copied))
                try handle.write(contentsOf: part)
                copied += Int64(part.count)
            }
            guard copied == size else { throw EvidenceBundleError.cannotWrite(destination.path, "\(path) shrank while it was copied") }
            try handle.write(contentsOf: Data(count: BundleArchive.padding(after: size)))
        } catch let error as EvidenceBundleError {
            throw error
        } catch {
            throw .cannotWrite(destination.path, "\(error)")
        }
    }

    /// Ends the archive (two zero blocks), flushes it to disk and moves it to its name.
    func finish() throws(EvidenceBundleError) {
        do {
            try handle.write(contentsOf: Data(count: 2 * BundleArchive.blockSize))
            try handle.synchronize()
            try handle.close()
            if FileManager.default.fileExists(atPath: destination.path) { try FileManager.default.removeItem(at: destination) }
            try FileManager.default.moveItem(at: temporary, to: destination)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite(destination.path, "\(error)")
        }
    }

    /// Removes the unfinished file.
    func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(at: temporary)
    }
}

/// Reads a bundle archive one member at a time, each member's bytes in chunks, never more than one chunk held.
final class BundleArchiveReader {
    private let handle: FileHandle
    private let path: String
    private let fileSize: Int64
    private var offset: Int64 = 0
    static let chunkSize = 64 * 1024

    init(path: String) throws(EvidenceBundleError) {
        self.path = path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              (attributes[.type] as? FileAttributeType) == .typeRegular,
              let handle = FileHandle(forReadingAtPath: path) else {
            throw .cannotRead(path)
        }
        self.handle = handle
        fileSize = Int64(attributes[.size] as? Int ?? 0)
    }

    deinit { try? handle.close() }

    /// The next member's header, or nil at the end of the archive.
    ///
    /// - Throws: ``EvidenceBundleError`` for a damaged header, or a size that runs past the end of the file.
    func nextMember() throws(EvidenceBundleError) -> BundleArchive.Member? {
        guard offset < fileSize else { throw .malformed("the archive ends without its end marker (truncated at byte \(fileSize))") }
        let block = try read(BundleArchive.blockSize)
        guard let member = try BundleArchive.parseHeader(block, at: offset - Int64(BundleArchive.blockSize)) else { return nil }
        let room = fileSize - offset
        guard member.size <= room else {
            throw .malformed("member \(member.name.prefix(100)) says it holds \(member.size) bytes, but only \(room) remain in the file")
        }
        return member
    }

    /// Reads the member just announced, passing its bytes to `body` in chunks; skips the padding after it.
    func readMember(_ member: BundleArchive.Member, _ body: ([UInt8]) throws(EvidenceBundleError) -> Void) throws(EvidenceBundleError) {
        var left = member.size
        while left > 0 {
            let chunk = try read(Int(min(left, Int64(Self.chunkSize))))
            try body(chunk)
            left -= Int64(chunk.count)
        }
        _ = try read(BundleArchive.padding(after: member.size))
    }

    private func read(_ count: Int) throws(EvidenceBundleError) -> [UInt8] {
        guard count > 0 else { return [] }
        guard let data = try? handle.read(upToCount: count), data.count == count else {
            throw .malformed("the file ends at byte \(fileSize), inside a member that should go on")
        }
        offset += Int64(count)
        return Array(data)
    }
}
