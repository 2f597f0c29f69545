/// The supervisor page's stylesheet, served from the relay (`/web/style.css`): system fonts only, tables that
/// scroll sideways on a phone, a map that fits the screen's width.
enum WebStyle {
    static let css = """
        :root { color-scheme: light; --late: #b3261e; --ok: #1b7f3b; --none: #8a8a8a; --line: #d9d9d9; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: #1d1d1d; background: #fafafa; }
        header { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; justify-content: space-between;
                 padding: .6rem 1rem; background: #0b4f8a; color: #fff; }
        header a { color: #fff; }
        .brand { font-weight: 600; text-decoration: none; }
        nav { display: flex; gap: .75rem; align-items: center; }
        nav form { margin: 0; }
        button { font: inherit; padding: .35rem .8rem; border: 1px solid #0b4f8a; border-radius: 4px; background: #fff; color: #0b4f8a; cursor: pointer; }
        main { max-width: 1100px; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.3rem; margin: .5rem 0 1rem; }
        h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
        .scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { border: 1px solid var(--line); padding: .4rem .5rem; text-align: left; vertical-align: top; }
        table.overdue td:nth-child(n+3), table.overdue th:nth-child(n+3) { text-align: right; white-space: nowrap; }
        tr.late td { background: #fdecea; }
        tfoot td { font-weight: 600; background: #f0f0f0; }
        .footnotes, .hint { color: #555; font-size: .9rem; }
        .error { color: var(--late); font-weight: 600; }
        .urgent { color: #fff; background: var(--late); border-radius: 3px; padding: 0 .3rem; font-size: .8rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; background: #fff; padding: .75rem; border: 1px solid var(--line); }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; }
        dd.late { color: var(--late); font-weight: 600; }
        .timeline { list-style: none; padding: 0; }
        .timeline li { border-left: 3px solid var(--line); padding: .2rem .6rem; margin-bottom: .4rem; }
        .timeline p { margin: .2rem 0 0; }
        time { color: #555; font-variant-numeric: tabular-nums; }
        .actor { font-style: italic; }
        .photos { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .75rem; }
        .photos figure { margin: 0; max-width: 320px; }
        .photos img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); }
        .photos figcaption { font-size: .85rem; }
        .warnings { color: #8a4b00; font-size: .9rem; padding-left: 1rem; }
        .pending { display: inline-block; padding: 1rem; border: 1px dashed var(--none); color: #555; }
        svg.map { width: 100%; height: auto; max-height: 80vh; border: 1px solid var(--line); }
        svg.map .sea { fill: #eef3f7; }
        circle.overdue { fill: var(--late); stroke: #fff; }
        circle.ontime { fill: var(--ok); stroke: #fff; }
        circle.nodeadline { fill: var(--none); stroke: #fff; }
        circle.cluster { fill-opacity: .8; stroke-width: 2; }
        svg.map text { fill: #fff; font-size: 12px; font-weight: bold; text-anchor: middle; pointer-events: none; }
        .legend { font-size: .9rem; }
        .dot { display: inline-block; width: .8rem; height: .8rem; border-radius: 50%; margin: 0 .3rem 0 .8rem; vertical-align: middle; }
        .dot.overdue { background: var(--late); } .dot.ontime { background: var(--ok); } .dot.nodeadline { background: var(--none); }
        form.signin { display: grid; gap: .5rem; max-width: 28rem; }
        form.signin input { font: inherit; padding: .5rem; }
        @media (max-width: 600px) {
          main { padding: .6rem; }
          th, td { padding: .3rem; font-size: .9rem; }
          dl.facts { grid-template-columns: 1fr; }
          dl.facts dd { margin-bottom: .4rem; }
        }
        """
}
