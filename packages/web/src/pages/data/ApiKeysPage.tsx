export function ApiKeysPage() { return <div>ApiKeysPage</div>; }
