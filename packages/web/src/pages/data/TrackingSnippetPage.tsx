export function TrackingSnippetPage() { return <div>TrackingSnippetPage</div>; }
