/// A machine-readable code and a human sentence: the body of every error response,
/// and the reason of a rejected operation.
public struct ErrorDetail: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Stable, snake_case on the wire; clients branch on it.
    public var code: ErrorCode
    /// What went wrong and what to do, for a person.
    public var message: String

    public init(code: ErrorCode, message: String) {
        self.code = code
        self.message = message
    }

    /// The same with the code as the wire spells it; known codes read as their case. For the relay's upload
    /// errors, which still name their codes as strings until they move to ``ErrorCode``.
    public init(code: String, message: String) {
        self.init(code: ErrorCode(rawValue: code), message: message)
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
