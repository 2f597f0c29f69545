import Foundation
import OnSiteCore
import OnSiteSync

/// The supervisor page's pages, rendered on the server from the reader's ``WebScopeSnapshot``.
///
/// Summary (overdue table by district, per province, with a map) → district (by commune) → a commune's reports →
/// one report (history, verifications, notes, photos, evidence warnings). Every value goes through ``HTML``'s
/// escaping; the data was redacted for the reader's role when the snapshot was made.
struct WebPages {
    let view: WebView
    let snapshot: WebScopeSnapshot
    let units: UnitDirectory
    let categories: [String: String]

    static let reportsPerPage = 100

    private var text: WebText { view.text }

    // MARK: Sign-in and messages

    static func signIn(_ view: WebView, message: String?) -> String {
        let alert: HTML = message.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? ""
        return view.page(title: view.text.signIn, """
            <h1>\(view.text.signIn)</h1>\(alert)
            <form method="post" action="/web/signin" class="signin">
            <label for="token">\(view.text.tokenLabel)</label>
            <input id="token" name="token" type="password" autocomplete="off" required maxlength="200">
            <button type="submit">\(view.text.signIn)</button></form>
            <p class="hint">\(view.text.signInHint)</p>
            """)
    }

    static func message(_ view: WebView, title: String, _ message: String) -> String {
        view.page(title: title, "<h1>\(title)</h1><p class=\"error\" role=\"alert\">\(message)</p><p><a href=\"\(view.link("/web"))\">\(view.text.home)</a></p>")
    }

    // MARK: Summary: by district

    func summary() -> String {
        guard !snapshot.provinces.isEmpty else { return view.page(title: text.home, "<h1>\(text.home)</h1><p>\(text.noReports)</p>") }
        var sections: [HTML] = []
        for province in snapshot.provinces {
            let entries = snapshot.reports { $0.area.province == province }
            let directory = UnitDirectory(units.units.filter { unit in
                unit.code == province || unit.parent == province || (unit.parent.flatMap(units.unit)?.parent == province)
            })
            let table = overdueTable(entries, province: province, grouping: .district, directory: directory) { code in
                code.isEmpty ? nil : view.link("/web/districts/\(FormEncoding.escape(code))")
            }
            let areas = MapAreas(of: \.area.district) { code in
                (units.name(of: code), code.isEmpty ? nil : view.link("/web/districts/\(FormEncoding.escape(code))"))
            }
            sections.append("<section>\(table)\(map(entries, areas: areas))</section>")
        }
        return view.page(title: text.home, "\(sections)")
    }

    // MARK: A district: by commune

    func district(_ code: String) -> String? {
        guard let district = units.unit(code), district.level == .district, let province = district.parent else {
            return nil
        }
        let entries = snapshot.reports { $0.area.district == code }
        guard !entries.isEmpty else { return nil }
        let directory = UnitDirectory(units.units.filter { $0.code == code || $0.parent == code })
        let communeLink = { (commune: String) in
            view.link("/web/districts/\(FormEncoding.escape(code))/communes/\(commune.isEmpty ? "-" : FormEncoding.escape(commune))")
        }
        let table = overdueTable(entries, province: province, grouping: .commune, directory: directory, link: communeLink)
        let areas = MapAreas(of: { $0.area.commune ?? "" }) { commune in
            (commune.isEmpty ? text.noCommune : units.name(of: commune), communeLink(commune))
        }
        return view.page(title: district.name, """
            <p><a href="\(view.link("/web"))">\(text.back)</a></p><h1>\(district.name)</h1>\(table)\(map(entries, areas: areas))
            """)
    }

    // MARK: A commune: its reports

    func reports(district: String, commune: String, page: Int) -> String? {
        let communeCode: String? = commune == "-" ? nil : commune
        let entries = snapshot.reports { $0.area.district == district && $0.area.commune == communeCode }
        guard !entries.isEmpty, page >= 1 else { return nil }
        let asOf = view.asOf
        let sorted = entries.sorted { a, b in
            let lateA = a.deadline?.isOverdue(at: asOf) ?? false, lateB = b.deadline?.isOverdue(at: asOf) ?? false
            if lateA != lateB { return lateA }
            if lateA, let dueA = a.deadline?.due(at: asOf), let dueB = b.deadline?.due(at: asOf), dueA != dueB { return dueA < dueB }
            return a.record.report.code < b.record.report.code
        }
        let pages = (sorted.count + Self.reportsPerPage - 1) / Self.reportsPerPage
        guard page <= pages else { return nil }
        let shown = sorted.dropFirst((page - 1) * Self.reportsPerPage).prefix(Self.reportsPerPage)
        let rows: [HTML] = shown.map { entry in
            let report = entry.record.report
            let late = entry.deadline?.isOverdue(at: asOf) ?? false
            let urgent: HTML = report.isUrgent ? " <span class=\"urgent\">\(text.urgent)</span>" : ""
            let due = entry.deadline.map { text.dateTime($0.due(at: asOf)) } ?? "—"
            let state = entry.deadline.map { text.deadlineState($0, asOf: asOf, calendar: calendar(report.area.province)) } ?? text.noDeadline
            let rowClass: HTML = late ? " class=\"late\"" : ""
            return """
                <tr\(rowClass)><td><a href="\(view.link("/web/reports/\(FormEncoding.escape(report.id))"))">\(report.code)</a></td><td>\(report.title)\(urgent)</td><td>\(text.statusLabel(report.status))</td><td>\(due)</td><td>\(state)</td></tr>
                """
        }
        let base = "/web/districts/\(FormEncoding.escape(district))/communes/\(FormEncoding.escape(commune))"
        var pager: [HTML] = []
        if page > 1 { pager.append("<a href=\"\(view.link(base, [("page", String(page - 1))]))\">\(text.previous)</a> ") }
        pager.append("<span>\(text.page(page, of: pages, total: sorted.count))</span>")
        if page < pages { pager.append(" <a href=\"\(view.link(base, [("page", String(page + 1))]))\">\(text.next)</a>") }
        let name = communeCode.map(units.name(of:)) ?? text.noCommune
        return view.page(title: name, """
            <p><a href="\(view.link("/web/districts/\(FormEncoding.escape(district))"))">\(text.back)</a></p>
            <h1>\(text.reportsOf): \(name), \(units.name(of: district))</h1>
            <div class="scroll"><table class="reports"><thead><tr><th>\(text.code)</th><th>\(text.title)</th><th>\(text.status)</th><th>\(text.due)</th><th>\(text.state)</th></tr></thead>
            <tbody>\(rows)</tbody></table></div><p class="pager">\(pager)</p>\(map(Array(shown)))
            """)
    }

    // MARK: One report

    /// - Parameter grantedPhotos: hashes of the photos the reader's device may have (the rules of `/v1/blobs`).
    func report(_ id: String, role: Role, grantedPhotos: Set<String>) -> String? {
        guard let entry = snapshot.entries[id] else { return nil }
        let record = entry.record, report = record.report
        let asOf = view.asOf
        let area = [report.area.commune, report.area.district, report.area.province].compactMap { $0 }.map(units.name(of:)).joined(separator: ", ")
        let deadline: HTML = entry.deadline.map { deadline in
            "\(text.dateTime(deadline.due(at: asOf))) (\(text.step(deadline.step))) — \(text.deadlineState(deadline, asOf: asOf, calendar: calendar(report.area.province)))"
        } ?? .text(text.noDeadline)
        let lateClass: HTML = entry.deadline?.isOverdue(at: asOf) == true ? " class=\"late\"" : ""
        var facts: [HTML] = [
            "<dt>\(text.code)</dt><dd>\(report.code)</dd>",
            "<dt>\(text.status)</dt><dd>\(text.statusLabel(report.status))\((report.hiddenReason == nil ? "" : " (\(text.hidden))") as String)</dd>",
            "<dt>\(text.deadline)</dt><dd\(lateClass)>\(deadline)</dd>",
            "<dt>\(text.category)</dt><dd>\(categories[report.category] ?? report.category)</dd>",
            "<dt>\(text.area)</dt><dd>\(area)</dd>",
            "<dt>\(text.address)</dt><dd>\(report.address)</dd>",
            "<dt>\(text.receivedAt)</dt><dd>\(text.dateTime(report.receivedAt))</dd>",
        ]
        if let unit = report.assignedUnit { facts.append("<dt>\(text.assignedUnit)</dt><dd>\(units.name(of: unit))</dd>") }
        facts.append("<dt>\(text.reporter)</dt><dd class=\"reporter\">\(reporter(report.reporter, role: role))</dd>")
        let history: [HTML] = record.events.filter { $0.at <= asOf }.map { event in
            "<li><time>\(text.dateTime(event.at))</time> <span class=\"actor\">\(event.actor)</span> \(text.event(event, units: units))</li>"
        }
        let verifications: [HTML] = record.verifications.map { verification in
            let place = verification.position.map { String(format: "%.5f, %.5f", $0.latitude, $0.longitude) } ?? text.noPosition
            return "<li><time>\(text.dateTime(verification.visitedAt))</time> <span class=\"actor\">\(verification.officer)</span> <strong>\(text.finding(verification.finding))</strong> (\(place))<p>\(verification.notes)</p></li>"
        }
        let notes: [HTML] = record.notes.map { note in
            "<li><time>\(text.dateTime(note.at))</time> <span class=\"actor\">\(note.author)</span><p>\(note.text)</p></li>"
        }
        let photos: [HTML] = record.attachments.map { photo(record, $0, granted: grantedPhotos.contains($0.sha256)) }
        return view.page(title: report.code, """
            <p><a href="\(view.link("/web/districts/\(FormEncoding.escape(report.area.district))/communes/\(FormEncoding.escape(report.area.commune ?? "-"))"))">\(text.back)</a></p>
            <h1>\(report.title)</h1><dl class="facts">\(facts)</dl>
            <h2>\(text.description)</h2><p class="description">\(report.description)</p>
            <h2>\(text.photos)</h2>\(photos.isEmpty ? .text(text.none) : "<ul class=\"photos\">\(photos)</ul>")
            <h2>\(text.verifications)</h2>\(list(verifications))
            <h2>\(text.notes)</h2>\(list(notes))
            <h2>\(text.history)</h2>\(list(history))
            \(map([entry]))
            """)
    }

    private func photo(_ record: ReportRecord, _ attachment: Attachment, granted: Bool) -> HTML {
        let warnings: [HTML] = (attachment.capture?.photoWarnings ?? []).map { "<li>⚠ \(text.photoWarning($0))</li>" }
        let warningList: HTML = warnings.isEmpty ? "" : "<ul class=\"warnings\" aria-label=\"\(text.evidenceWarnings)\">\(warnings)</ul>"
        let picture: HTML
        if record.isPending(attachment) {
            picture = "<span class=\"pending\">\(text.photoPending)</span>"
        } else if granted {
            let hash = FormEncoding.escape(attachment.sha256)
            picture = "<a href=\"/web/photos/\(hash)\"><img src=\"/web/photos/\(hash)/thumbnail\" alt=\"\(attachment.fileName)\"></a>"
        } else {
            picture = "<span class=\"pending\">\(text.photoNotShared)</span>"
        }
        let taken = attachment.capture?.capturedAt.map { text.dateTime($0) } ?? ""
        return "<li><figure>\(picture)<figcaption>\(attachment.fileName) <span class=\"actor\">\(attachment.addedBy)</span> \(taken)</figcaption>\(warningList)</figure></li>"
    }

    private func reporter(_ reporter: Reporter, role: Role) -> HTML {
        guard Redaction.mayReadReporter(reporter, role: role) else { return .text(text.reporterHidden) }
        let parts = [reporter.name, reporter.phone, reporter.email].compactMap { $0 }.filter { !$0.isEmpty }
        let confidential: HTML = reporter.isConfidential ? " \(text.confidential)" : ""
        return "\(parts.isEmpty ? "—" : parts.joined(separator: " · "))\(confidential)"
    }

    private func list(_ items: [HTML]) -> HTML {
        items.isEmpty ? "<p>\(text.none)</p>" : "<ul class=\"timeline\">\(items)</ul>"
    }

    // MARK: Shared pieces

    private func calendar(_ province: String) -> WorkingCalendar? { snapshot.rules[province]?.calendar }

    /// The memo's table for `entries`, one row per unit of `directory` at the grouping's level.
    private func overdueTable(
        _ entries: [WebScopeSnapshot.Entry], province: String, grouping: OverdueGrouping, directory: UnitDirectory,
        link: (String) -> String?
    ) -> HTML {
        let provinceName = units.name(of: province)
        guard let rules = snapshot.rules[province], rules.policy.steps[view.step] != nil else {
            return "<h2>\(provinceName)</h2><p class=\"error\">\(text.noDeadline)</p>"
        }
        let table = OverdueReport.make(
            standings: Self.standings(entries, step: view.step, evaluator: rules.evaluator, asOf: view.asOf), calendar: rules.calendar,
            units: directory, grouping: grouping, step: view.step, asOf: view.asOf)
        let language = text.language
        let headers: [HTML] = table.headers(language: language).map { "<th scope=\"col\">\($0)</th>" }
        func cells(_ row: OverdueRow, name: HTML) -> HTML {
            "<td>\(row.index.map(text.number) ?? "")</td><td>\(name)</td><td>\(text.number(row.total))</td><td>\(text.number(row.resolved))</td><td>\(text.number(row.overdue))</td><td>\(text.percent(row.overdueRate))</td>"
        }
        let rows: [HTML] = table.rows.map { row in
            let name = row.code.isEmpty ? text.noCommune : row.name
            let target = row.total > 0 ? link(row.code) : nil
            let label: HTML = target.map { "<a href=\"\($0)\">\(name)</a>" } ?? .text(name)
            let late: HTML = row.overdue > 0 ? " class=\"late\"" : ""
            return "<tr\(late)>\(cells(row, name: label))</tr>"
        }
        let totals = "<tr class=\"totals\">\(cells(table.totals, name: .text(table.totalsLabel(language: language))))</tr>" as HTML
        let footnotes: [HTML] = table.footnoteLines(language: language).map { "<li>\($0)</li>" }
        return """
            <h1>\(text.overdueHeading(step: view.step, province: provinceName, asOf: view.asOf))</h1>
            <div class="scroll"><table class="overdue"><thead><tr>\(headers)</tr></thead><tbody>\(rows)</tbody><tfoot>\(totals)</tfoot></table></div>
            \(footnotes.isEmpty ? "" : "<ol class=\"footnotes\">\(footnotes)</ol>" as HTML)
            """
    }

    /// The standings of the reports a table at `asOf` covers: the kept ones where they hold, else computed.
    static func standings(
        _ entries: [WebScopeSnapshot.Entry], step: DeadlineStep, evaluator: DeadlineEvaluator, asOf: Date
    ) -> [(Report, ReportStanding)] {
        entries.compactMap { entry in
            let report = entry.record.report
            guard OverdueReport.covers(report, asOf: asOf) else { return nil }
            let standing = entry.settled?.standing(of: report, history: entry.record.events, step: step, evaluator: evaluator, asOf: asOf)
                ?? ReportStanding.of(report, history: entry.record.events.filter { $0.reportId == report.id }, step: step,
                                     evaluator: evaluator, asOf: asOf)
            return (report, standing)
        }
    }

    /// Which area a report's map cluster is, its name and the link to its table.
    private struct MapAreas {
        var of: (Report) -> String
        var describe: (String) -> (name: String, link: String?)
    }

    /// The map of `entries`; past ``ReportMap/maxPoints`` one circle per area of `areas`.
    private func map(_ entries: [WebScopeSnapshot.Entry], areas: MapAreas? = nil) -> HTML {
        let asOf = view.asOf
        let map = ReportMap(entries.map { entry in
            let report = entry.record.report
            let state: ReportMap.State = entry.deadline.map { $0.isOverdue(at: asOf) ? .overdue : .onTime } ?? .noDeadline
            return .init(id: report.id, label: "\(report.code) — \(report.title)", position: report.location, state: state,
                         area: areas?.of(report) ?? "")
        })
        var notes: [HTML] = []
        if !map.clusters.isEmpty {
            notes.append("<p class=\"hint\">\(text.mapClustered(map.clusters.reduce(0) { $0 + $1.count }, areas: map.clusters.count))</p>")
        }
        if map.unplaced > 0 { notes.append("<p class=\"hint\">\(text.mapWithoutPlace(map.unplaced))</p>") }
        guard !map.points.isEmpty || !map.clusters.isEmpty || !notes.isEmpty else { return "" }
        return """
            <h2>\(text.mapTitle)</h2>\(map.svg(text: text, link: { view.link($0) }, area: areas?.describe ?? { ($0, nil) }))
            <p class="legend"><span class="dot overdue"></span>\(text.legendOverdue) <span class="dot ontime"></span>\(text.legendOnTime) <span class="dot nodeadline"></span>\(text.legendNoDeadline)</p>\(notes)
            """
    }
}
