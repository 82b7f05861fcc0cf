import { useQuery } from '@tanstack/react-query';
import type { Segment } from '@flywheel/contracts';
import { api } from '../../api/client';
import { useCurrentSession } from '../../api/session';

/** The shop's saved segments (with their sizes now), shared by the list filter, the builder and the segments page. */
export function useSegments() {
  const { shopId } = useCurrentSession();
  return useQuery({ queryKey: [shopId, 'segments'], queryFn: () => api<{ segments: Segment[] }>('/v1/segments') });
}
