/// The on-site check as recorded with an attachment, and the warnings it stands for.
extension CaptureCheck {
    /// The record of `check`, with the distance threshold it used (kept, so the warnings read the same everywhere).
    public init(_ check: PhotoCheck, farThreshold: Double) {
        self.init(
            position: check.capturePosition, capturedAt: check.captureTime, distanceToSite: check.distanceToSite,
            isCapturedAfterReceipt: check.isCapturedAfterReceipt, warnings: check.warnings.map(\.code.rawValue),
            farThreshold: farThreshold)
    }

    /// The recorded warnings, rebuilt from their codes with the distance and the threshold the check used
    /// (the default threshold for records made before it was kept). Unknown codes are skipped.
    public var photoWarnings: [PhotoWarning] {
        let threshold = farThreshold ?? PhotoChecker.Configuration().farThreshold
        return warnings.compactMap { code in
            PhotoWarning.Code(rawValue: code).map {
                PhotoWarning($0, distance: $0 == .farFromSite ? distanceToSite : nil,
                             threshold: $0 == .farFromSite ? threshold : nil)
            }
        }
    }
}
