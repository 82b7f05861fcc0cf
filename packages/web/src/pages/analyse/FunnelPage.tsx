export function FunnelPage() { return <div>FunnelPage</div>; }
