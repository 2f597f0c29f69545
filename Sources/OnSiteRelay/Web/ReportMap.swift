import Foundation
import OnSiteCore

/// A map of reports drawn from their coordinates alone: an inline SVG, no tiles, no scripts, so it works on a
/// closed network.
///
/// Points are projected equirectangularly over the reports' bounding box (longitude scaled by the cosine of the
/// middle latitude, so a kilometre is about as long across as up), coloured by their deadline state, each a link to
/// its report with the code and title as its tooltip. Past ``maxPoints`` reports the map draws one circle per area
/// instead (the unit each candidate names: a district on the summary, a commune on a district's page) at the mean
/// position of its reports, sized by their number, red when any is overdue, linking to that area's table: the
/// SVG stays a few kilobytes however many reports there are.
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

    /// The reports of one area, drawn as one circle.
    struct Cluster {
        /// The area's unit code (empty: no commune known).
        var area: String
        /// The mean position of its placed reports.
        var position: GeoPoint
        var count: Int
        var overdue: Int
        var state: State { overdue > 0 ? .overdue : .onTime }
    }

    /// One report offered to the map.
    struct Candidate {
        var id: String
        var label: String
        var position: GeoPoint?
        var state: State
        /// The unit its cluster is, should the map cluster.
        var area: String = ""
    }

    static let width = 640.0
    static let maxPoints = 300

    /// The reports drawn one by one (empty when clustered).
    let points: [Point]
    /// The areas drawn instead of points, when there were more than ``maxPoints`` placed reports.
    let clusters: [Cluster]
    /// Reports without a valid position.
    let unplaced: Int

    init(_ candidates: [Candidate]) {
        var placed: [Point] = []
        var areas: [String] = []
        var unplaced = 0
        for candidate in candidates {
            guard let position = candidate.position, position.isValid else {
                unplaced += 1
                continue
            }
            placed.append(Point(reportId: candidate.id, label: candidate.label, position: position, state: candidate.state))
            areas.append(candidate.area)
        }
        self.unplaced = unplaced
        guard placed.count > Self.maxPoints else {
            points = placed
            clusters = []
            return
        }
        var sums: [String: (latitude: Double, longitude: Double, count: Int, overdue: Int)] = [:]
        for (point, area) in zip(placed, areas) {
            var sum = sums[area] ?? (0, 0, 0, 0)
            sum.latitude += point.position.latitude
            sum.longitude += point.position.longitude
            sum.count += 1
            if point.state == .overdue { sum.overdue += 1 }
            sums[area] = sum
        }
        points = []
        clusters = sums.keys.sorted().compactMap { area in
            guard let sum = sums[area] else { return nil }
            let mean = GeoPoint(latitude: sum.latitude / Double(sum.count), longitude: sum.longitude / Double(sum.count))
            return Cluster(area: area, position: mean, count: sum.count, overdue: sum.overdue)
        }
    }

    /// The `<svg>` element, or nothing when no report has a position.
    ///
    /// - Parameters:
    ///   - link: the page's link for a path (keeps the reader's query).
    ///   - area: a cluster's unit name and the link to its table (nil: no table to link).
    func svg(text: WebText, link: (String) -> String, area: (String) -> (name: String, link: String?) = { ($0, nil) }) -> HTML {
        let positions = points.isEmpty ? clusters.map(\.position) : points.map(\.position)
        guard !positions.isEmpty else { return "" }
        let latitudes = positions.map(\.latitude), longitudes = positions.map(\.longitude)
        // The box, widened a little so no point sits on the edge, and never empty (a single report).
        let margin = points.isEmpty ? 0.02 : 0.005
        let minLat = (latitudes.min() ?? 0) - margin, maxLat = (latitudes.max() ?? 0) + margin
        let minLon = (longitudes.min() ?? 0) - margin, maxLon = (longitudes.max() ?? 0) + margin
        let scaleX = cos((minLat + maxLat) / 2 * .pi / 180)
        let spanX = (maxLon - minLon) * scaleX, spanY = maxLat - minLat
        let width = Self.width
        let height = max(160, min(width * 1.5, width * spanY / spanX))
        let factor = min(width / spanX, height / spanY)
        let offsetX = (width - spanX * factor) / 2, offsetY = (height - spanY * factor) / 2
        func xy(_ position: GeoPoint) -> (x: String, y: String) {
            (Self.coordinate(offsetX + (position.longitude - minLon) * scaleX * factor),
             Self.coordinate(offsetY + (maxLat - position.latitude) * factor))
        }
        var shapes: [HTML] = []
        shapes.reserveCapacity(max(points.count, clusters.count))
        // Overdue points last, so they are drawn on top.
        for point in points.sorted(by: { ($0.state == .overdue ? 1 : 0) < ($1.state == .overdue ? 1 : 0) }) {
            let (x, y) = xy(point.position)
            shapes.append("<a href=\"\(link("/web/reports/" + point.reportId))\"><circle class=\"\(point.state.rawValue)\" cx=\"\(x)\" cy=\"\(y)\" r=\"5\"><title>\(point.label)</title></circle></a>")
        }
        let largest = Double(clusters.map(\.count).max() ?? 1)
        // Big circles first, so small ones stay visible on top.
        for cluster in clusters.sorted(by: { $0.count > $1.count }) {
            let (x, y) = xy(cluster.position)
            let radius = Self.coordinate(10 + 22 * (Double(cluster.count) / largest).squareRoot())
            let (name, target) = area(cluster.area)
            let shape: HTML = """
                <circle class="cluster \(cluster.state.rawValue)" cx="\(x)" cy="\(y)" r="\(radius)"><title>\(text.mapCluster(name, reports: cluster.count, overdue: cluster.overdue))</title></circle><text x="\(x)" y="\(y)" dy=".35em">\(text.number(cluster.count))</text>
                """
            shapes.append(target.map { "<a href=\"\($0)\">\(shape)</a>" } ?? "<g>\(shape)</g>")
        }
        return """
            <svg class="map" viewBox="0 0 \(Self.coordinate(width)) \(Self.coordinate(height))" role="img" aria-label="\(text.mapTitle)" xmlns="http://www.w3.org/2000/svg"><rect class="sea" width="100%" height="100%"/>\(shapes)</svg>
            """
    }

    private static func coordinate(_ value: Double) -> String { String(format: "%.1f", value) }
}
