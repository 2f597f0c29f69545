import Foundation
import OnSiteCore

/// A map of reports drawn from their coordinates alone: an inline SVG, no tiles, no scripts, so it works on a
/// closed network.
///
/// Points are projected equirectangularly over the reports' bounding box (longitude scaled by the cosine of the
/// middle latitude, so a kilometre is about as long across as up), coloured by their deadline state, each a link to
/// its report with the code and title as its tooltip. Past ``maxPoints`` reports only the overdue ones are drawn,
/// and the page says so: the map stays a few hundred kilobytes at most.
struct ReportMap {
    enum State: String {
        case overdue, onTime = "ontime", noDeadline = "nodeadline"
    }

    struct Point {
        var reportId: String
        var label: String
        var position: GeoPoint
        var state: State
    }

    static let width = 640.0
    static let maxPoints = 2_000

    let points: [Point]
    /// Reports without a valid position.
    let unplaced: Int
    /// Reports left off because there were too many (only overdue ones drawn).
    let omitted: Int

    init(_ candidates: [(id: String, label: String, position: GeoPoint?, state: State)]) {
        var placed: [Point] = []
        var unplaced = 0
        for candidate in candidates {
            guard let position = candidate.position, position.isValid else {
                unplaced += 1
                continue
            }
            placed.append(Point(reportId: candidate.id, label: candidate.label, position: position, state: candidate.state))
        }
        if placed.count > Self.maxPoints {
            let kept = placed.filter { $0.state == .overdue }.prefix(Self.maxPoints)
            omitted = placed.count - kept.count
            placed = Array(kept)
        } else {
            omitted = 0
        }
        self.points = placed
        self.unplaced = unplaced
    }

    /// The `<svg>` element, or nothing when no report has a position.
    func svg(text: WebText, link: (String) -> String) -> HTML {
        guard !points.isEmpty else { return "" }
        let latitudes = points.map(\.position.latitude), longitudes = points.map(\.position.longitude)
        // The box, widened a little so no point sits on the edge, and never empty (a single report).
        let minLat = (latitudes.min() ?? 0) - 0.005, maxLat = (latitudes.max() ?? 0) + 0.005
        let minLon = (longitudes.min() ?? 0) - 0.005, maxLon = (longitudes.max() ?? 0) + 0.005
        let scaleX = cos((minLat + maxLat) / 2 * .pi / 180)
        let spanX = (maxLon - minLon) * scaleX, spanY = maxLat - minLat
        let width = Self.width
        let height = max(160, min(width * 1.5, width * spanY / spanX))
        let factor = min(width / spanX, height / spanY)
        let offsetX = (width - spanX * factor) / 2, offsetY = (height - spanY * factor) / 2
        var circles: [HTML] = []
        circles.reserveCapacity(points.count)
        // Overdue points last, so they are drawn on top.
        for point in points.sorted(by: { ($0.state == .overdue ? 1 : 0) < ($1.state == .overdue ? 1 : 0) }) {
            let x = offsetX + (point.position.longitude - minLon) * scaleX * factor
            let y = offsetY + (maxLat - point.position.latitude) * factor
            circles.append("<a href=\"\(link("/web/reports/" + point.reportId))\"><circle class=\"\(point.state.rawValue)\" cx=\"\(Self.coordinate(x))\" cy=\"\(Self.coordinate(y))\" r=\"5\"><title>\(point.label)</title></circle></a>")
        }
        return """
            <svg class="map" viewBox="0 0 \(Self.coordinate(width)) \(Self.coordinate(height))" role="img" aria-label="\(text.mapTitle)" xmlns="http://www.w3.org/2000/svg"><rect class="sea" width="100%" height="100%"/>\(circles)</svg>
            """
    }

    private static func coordinate(_ value: Double) -> String { String(format: "%.1f", value) }
}
