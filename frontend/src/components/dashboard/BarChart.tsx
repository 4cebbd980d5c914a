// A small horizontal bar chart in inline SVG: no chart library. The chart
// itself is an image with a one-sentence label; the same numbers are
// printed beside each bar, so nothing depends on seeing the bars.
export interface Bar {
  label: string
  value: number
  /** A colour class: crit, high, med, low, ok, due, late. */
  kind: string
}

export function BarChart({ title, bars, summary }: { title: string; bars: Bar[]; summary: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value))
  const row = 22
  const labelW = 120
  const barW = 160
  const height = bars.length * row
  return (
    <figure className="dash-chart">
      <figcaption className="dash-chart-title">{title}</figcaption>
      <svg role="img" aria-label={summary} viewBox={`0 0 ${labelW + barW + 40} ${height}`} width="100%" style={{ maxWidth: labelW + barW + 40 }} preserveAspectRatio="xMinYMin meet">
        {bars.map((b, i) => (
          <g key={b.label} transform={`translate(0 ${i * row})`}>
            <text x={0} y={row / 2 + 4} className="dash-chart-label">
              {b.label}
            </text>
            <rect x={labelW} y={4} width={barW} height={row - 8} className="dash-chart-track" rx={3} />
            <rect x={labelW} y={4} width={(barW * b.value) / max} height={row - 8} className={'dash-chart-bar bar-' + b.kind} rx={3} />
            <text x={labelW + barW + 6} y={row / 2 + 4} className="dash-chart-value">
              {b.value}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  )
}

/** summaryOf says a chart's numbers in one sentence. */
export function summaryOf(title: string, bars: Bar[]): string {
  return `${title}: ${bars.map((b) => `${b.value} ${b.label.toLowerCase()}`).join(', ')}.`
}
