export function ReviewPage() { return <div>ReviewPage</div>; }
