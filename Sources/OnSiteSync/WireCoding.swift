import Foundation
import OnSiteCore

/// The JSON coders of the wire and of stored state: ISO 8601 dates with milliseconds, sorted keys.
public enum WireCoding {
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(WireDate.format(date))
        }
        return encoder
    }

    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom(WireDate.decode)
        return decoder
    }

    /// Encodes a value with the wire encoder.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        try makeEncoder().encode(value)
    }

    /// Decodes a value with the wire decoder, turning a `DecodingError` into a sentence that names the key path.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(WireDecodingError) -> T {
        do {
            return try makeDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw WireDecodingError(error)
        } catch {
            throw WireDecodingError(path: "", problem: "\(error)")
        }
    }
}

/// A body that is not valid JSON for the expected type, with the key path of the first problem.
public struct WireDecodingError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    init(_ error: DecodingError) {
        func render(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(path: render(context.codingPath + [key]), problem: "is missing")
        case .typeMismatch(let type, let context):
            self.init(path: render(context.codingPath), problem: "should be \(type): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            self.init(path: render(context.codingPath), problem: "should be a \(type), found null")
        case .dataCorrupted(let context):
            self.init(path: render(context.codingPath), problem: context.debugDescription)
        @unknown default:
            self.init(path: "", problem: "\(error)")
        }
    }

    public var description: String {
        path.isEmpty ? "The body is not valid: \(problem)." : "The body is not valid at `\(path)`: \(problem)."
    }
}
