export function EventDebuggerPage() { return <div>EventDebuggerPage</div>; }
