export function AttributionPage() { return <div>AttributionPage</div>; }
