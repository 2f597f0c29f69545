import Foundation
import OnSiteSync

/// Unknown keys in a configuration file are refused, not ignored: `"dataDir"` for `"dataDirectory"` must not
/// quietly serve the default folder.
///
/// The known keys are read off the type itself (a configuration with every optional part set, encoded), so a new
/// setting is known the moment it is added.
extension RelayConfiguration {
    /// Checks every key of the file's JSON object, nested objects included, against the known settings.
    ///
    /// - Throws: ``RelayConfigurationError`` naming the unknown key, where it is, and the nearest known key.
    static func refuseUnknownKeys(in data: Data, file: String) throws(RelayConfigurationError) {
        let found: JSONTree
        let known: JSONTree
        do {
            found = try WireCoding.decode(JSONTree.self, from: data)
            var everything = RelayConfiguration()
            everything.tls = TLS(certificateChain: "", privateKey: "")
            everything.store = ""
            known = try WireCoding.decode(JSONTree.self, from: try WireCoding.encode(everything))
        } catch {
            throw RelayConfigurationError("The configuration file \(file) is not valid JSON: \(error). Start from Samples/relay.json.")
        }
        try compare(found, with: known, at: [], file: file)
    }

    private static func compare(_ found: JSONTree, with known: JSONTree, at path: [String], file: String) throws(RelayConfigurationError) {
        guard case .object(let foundKeys) = found, case .object(let knownKeys) = known else { return }
        for key in foundKeys.keys.sorted() {
            guard let knownValue = knownKeys[key] else {
                let place = path.isEmpty ? "at the top level" : "in `\(path.joined(separator: "."))`"
                let nearest = knownKeys.keys.min { a, b in
                    (KeyDistance.between(key, a), a) < (KeyDistance.between(key, b), b)
                }
                throw RelayConfigurationError(
                    "The configuration file \(file) has an unknown key `\(key)` \(place)"
                        + (nearest.map { "; did you mean `\($0)`?" } ?? ".")
                        + " Known keys there: \(knownKeys.keys.sorted().joined(separator: ", ")). Nothing was started.")
            }
            if let value = foundKeys[key] { try compare(value, with: knownValue, at: path + [key], file: file) }
        }
    }
}

/// Any JSON value, kept only as deep as the key check needs: objects and their keys.
enum JSONTree: Decodable {
    case object([String: JSONTree])
    case other

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: JSONTree] = [:]
            for key in container.allKeys { members[key.stringValue] = try container.decode(JSONTree.self, forKey: key) }
            self = .object(members)
        } else {
            self = .other
        }
    }

    struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// How far apart two keys are: the Levenshtein distance, ignoring case (`datadir` is one step from `dataDir`).
enum KeyDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
