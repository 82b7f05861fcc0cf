/** A KPI card's small trend line: plain SVG, 30 points do not need a chart library. */
export function Sparkline({ values, color = '#1677ff', width = 120, height = 32 }: { values: (number | null)[]; color?: string; width?: number; height?: number }) {
  const points = values.map((v) => v ?? 0);
  if (points.length < 2) return <svg width={width} height={height} aria-hidden />;
  const max = Math.max(...points);
  const min = Math.min(...points);
  const span = max - min || 1;
  const path = points
    .map((v, i) => `${((i / (points.length - 1)) * width).toFixed(1)},${(height - 2 - ((v - min) / span) * (height - 4)).toFixed(1)}`)
    .join(' ');
  return (
    <svg width={width} height={height} aria-hidden data-testid="sparkline">
      <polyline points={path} fill="none" stroke={color} strokeWidth={1.5} strokeLinejoin="round" />
    </svg>
  );
}
