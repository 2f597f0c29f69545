import Foundation

/// How the supervisor's overdue table groups reports.
public enum OverdueGrouping: String, Sendable, Hashable, Codable, CaseIterable {
    /// By district (cấp huyện), as in the Điện Biên memo.
    case district
    /// By commune (cấp xã).
    case commune
    /// By category (lĩnh vực).
    case category
}

/// One line of the overdue table: a unit or category and its counts.
public struct OverdueRow: Sendable, Hashable, Codable {
    /// Stt: 1, 2, …; `nil` on the totals row.
    public var index: Int?
    /// The unit or category code; empty when the report had none (commune unknown).
    public var code: String
    /// The unit or category name.
    public var name: String
    /// Tổng PAHT: reports that reached the step (for handling: forwarded to a processing unit).
    public var total: Int
    /// Đã giải quyết: reports whose step was completed (for handling: an approved result) by the table's instant.
    public var resolved: Int
    /// Quá hạn giải quyết: reports whose step deadline passed before completion (open and late, or done late).
    public var overdue: Int

    public init(index: Int?, code: String, name: String, total: Int, resolved: Int, overdue: Int) {
        self.index = index
        self.code = code
        self.name = name
        self.total = total
        self.resolved = resolved
        self.overdue = overdue
    }

    /// Tỷ lệ PAHT quá hạn giải quyết: overdue ÷ total, 0 when there is no report.
    public var overdueRate: Double { total == 0 ? 0 : Double(overdue) / Double(total) }

    private enum CodingKeys: String, CodingKey {
        case index, code, name, total, resolved, overdue
        case overdueRate = "overdue_rate"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decodeIfPresent(Int.self, forKey: .index)
        code = try c.decode(String.self, forKey: .code)
        name = try c.decode(String.self, forKey: .name)
        total = try c.decode(Int.self, forKey: .total)
        resolved = try c.decode(Int.self, forKey: .resolved)
        overdue = try c.decode(Int.self, forKey: .overdue)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(index, forKey: .index)
        try c.encode(code, forKey: .code)
        try c.encode(name, forKey: .name)
        try c.encode(total, forKey: .total)
        try c.encode(resolved, forKey: .resolved)
        try c.encode(overdue, forKey: .overdue)
        try c.encode((overdueRate * 10_000).rounded() / 10_000, forKey: .overdueRate)
    }
}

/// The supervisor's overdue table (Điện Biên memo, April 2024): rows, a totals row, and what it covers.
///
/// Build it with `OverdueReport.make(…)`; render it with `rendered(as:language:)`.
public struct OverdueTable: Sendable, Hashable, Codable {
    /// How rows are grouped.
    public var grouping: OverdueGrouping
    /// The timed step the table is about (the memo's table is `handling`).
    public var step: DeadlineStep
    /// The instant the state is read at.
    public var asOf: Date
    /// Reports received at or after this instant, if set.
    public var from: Date?
    /// Reports received before this instant, if set.
    public var to: Date?
    /// One row per unit or category, in official order.
    public var rows: [OverdueRow]
    /// The reports the rows do not assess or leave out, and warnings about the data, in this order.
    public var footnotes: [OverdueFootnote]

    public init(
        grouping: OverdueGrouping, step: DeadlineStep = .handling, asOf: Date, from: Date? = nil, to: Date? = nil,
        rows: [OverdueRow], footnotes: [OverdueFootnote] = []
    ) {
        self.grouping = grouping
        self.step = step
        self.footnotes = footnotes
        self.asOf = asOf
        self.from = from
        self.to = to
        self.rows = rows
    }

    /// The totals row (no Stt).
    public var totals: OverdueRow {
        OverdueRow(
            index: nil, code: "", name: "",
            total: rows.reduce(0) { $0 + $1.total }, resolved: rows.reduce(0) { $0 + $1.resolved },
            overdue: rows.reduce(0) { $0 + $1.overdue })
    }

    private enum CodingKeys: String, CodingKey {
        case grouping, step
        case asOf = "as_of"
        case from, to, rows, totals, footnotes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        grouping = try c.decode(OverdueGrouping.self, forKey: .grouping)
        step = try c.decodeIfPresent(DeadlineStep.self, forKey: .step) ?? .handling
        footnotes = try c.decodeIfPresent([OverdueFootnote].self, forKey: .footnotes) ?? []
        asOf = try c.decode(Date.self, forKey: .asOf)
        from = try c.decodeIfPresent(Date.self, forKey: .from)
        to = try c.decodeIfPresent(Date.self, forKey: .to)
        rows = try c.decode([OverdueRow].self, forKey: .rows)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(grouping, forKey: .grouping)
        try c.encode(step, forKey: .step)
        try c.encode(asOf, forKey: .asOf)
        try c.encodeIfPresent(from, forKey: .from)
        try c.encodeIfPresent(to, forKey: .to)
        try c.encode(rows, forKey: .rows)
        try c.encode(totals, forKey: .totals)
        try c.encode(footnotes, forKey: .footnotes)
    }
}
