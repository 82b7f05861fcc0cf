export function ProductAnalyticsPage() { return <div>ProductAnalyticsPage</div>; }
