/// A machine-readable code and a human sentence: the body of every error response,
/// and the reason of a rejected operation.
public struct ErrorDetail: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Stable, snake_case; clients branch on it.
    public var code: String
    /// What went wrong and what to do, for a person.
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}

/// `{"error": {"code": …, "message": …}}`
public struct ErrorBody: Codable, Sendable, Hashable {
    public var error: ErrorDetail

    public init(_ error: ErrorDetail) {
        self.error = error
    }
}
