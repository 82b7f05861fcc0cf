export function CohortPage() { return <div>CohortPage</div>; }
