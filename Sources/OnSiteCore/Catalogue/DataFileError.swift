/// A data file (policy, calendar, catalogue, sample reports) that cannot be used: which file, which key, what to do.
public struct DataFileError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Code: Equatable, Sendable {
        case unreadable(file: String, reason: String)
        case invalid(file: String, keyPath: String, problem: String)
    }

    private let code: Code

    /// The file could not be read.
    public static func unreadable(file: String, reason: String) -> Self {
        Self(code: .unreadable(file: file, reason: reason))
    }

    /// The file was read but a value is missing or wrong at `keyPath` (dotted, e.g. `calendar.schedules[0].from`).
    public static func invalid(file: String, keyPath: String, problem: String) -> Self {
        Self(code: .invalid(file: file, keyPath: keyPath, problem: problem))
    }

    /// The file the error is about.
    public var file: String {
        switch code {
        case .unreadable(let file, _), .invalid(let file, _, _): file
        }
    }

    /// The dotted key path of the wrong value, empty when the whole file is concerned.
    public var keyPath: String {
        switch code {
        case .unreadable: ""
        case .invalid(_, let keyPath, _): keyPath
        }
    }

    public var description: String {
        switch code {
        case .unreadable(let file, let reason):
            "Cannot read the data file \(file): \(reason.hasSuffix(".") ? String(reason.dropLast()) : reason). Check the path and the permissions."
        case .invalid(let file, let keyPath, let problem):
            "Data file \(file)" + (keyPath.isEmpty ? "" : ", key \(keyPath)") + ": \(problem) "
                + "Fix the file (see Samples/README.md) and load it again."
        }
    }

    /// Translates a `DecodingError` into a sentence naming the key.
    static func decoding(_ error: DecodingError, file: String) -> Self {
        switch error {
        case .keyNotFound(let key, let context):
            return .invalid(
                file: file, keyPath: path(context.codingPath + [key]),
                problem: "the key \"\(key.stringValue)\" is missing; add it.")
        case .typeMismatch(let type, let context):
            return .invalid(
                file: file, keyPath: path(context.codingPath),
                problem: "expected a value of type \(type): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return .invalid(
                file: file, keyPath: path(context.codingPath), problem: "expected a \(type), found null.")
        case .dataCorrupted(let context):
            let detail = context.underlyingError.map { " (\($0.localizedDescription))" } ?? ""
            return .invalid(file: file, keyPath: path(context.codingPath), problem: context.debugDescription + detail)
        @unknown default:
            return .invalid(file: file, keyPath: "", problem: "\(error)")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for key in keys {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += (out.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return out
    }
}
