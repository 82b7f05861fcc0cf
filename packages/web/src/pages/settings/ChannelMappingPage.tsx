export function ChannelMappingPage() { return <div>ChannelMappingPage</div>; }
