export function ShopSettingsPage() { return <div>ShopSettingsPage</div>; }
