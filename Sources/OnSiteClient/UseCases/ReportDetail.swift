import OnSiteCore

/// One report with what `onsite show` tells about it beyond its record: the upload queue of its photos
/// and the operations the relay refused on it.
public struct ReportDetail: Sendable {
    public var view: ReportView
    public var uploads: [String: PhotoUpload]
    public var rejections: [Rejection]
    /// The deadline of its current step, when the province's rules were given.
    public var deadline: Deadline?
}
