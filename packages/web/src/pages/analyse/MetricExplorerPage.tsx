export function MetricExplorerPage() { return <div>MetricExplorerPage</div>; }
