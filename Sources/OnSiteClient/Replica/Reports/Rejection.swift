import Foundation
import OnSiteSync

/// An operation of this device that the relay refused.
public struct Rejection: Sendable, Hashable {
    public var operationId: String
    public var reportId: String
    public var kind: String
    public var reason: ErrorDetail
    public var at: Date
}
