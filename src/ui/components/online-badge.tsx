// Online / offline badge. The text is exactly "online" or "offline" (tests read it).
export function OnlineBadge({ online }: { readonly online: boolean }) {
  return (
    <span className={`badge ${online ? 'online' : 'offline'}`} role="status" aria-label={online ? 'Connection: online' : 'Connection: offline'}>
      <span data-testid="online-status">{online ? 'online' : 'offline'}</span>
    </span>
  );
}
