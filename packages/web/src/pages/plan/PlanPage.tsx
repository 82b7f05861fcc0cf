export function PlanPage() { return <div>PlanPage</div>; }
