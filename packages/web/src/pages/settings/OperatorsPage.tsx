export function OperatorsPage() { return <div>OperatorsPage</div>; }
