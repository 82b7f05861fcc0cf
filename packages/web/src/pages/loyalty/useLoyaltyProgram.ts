import { useQuery } from '@tanstack/react-query';
import type { LoyaltyProgramResult } from '@flywheel/contracts';
import { api } from '../../api/client';
import { useCurrentSession } from '../../api/session';

/** The shop's loyalty program in force (tiers, their names and benefits, the points rules), one cache for every page. */
export function useLoyaltyProgram() {
  const { shopId } = useCurrentSession();
  return useQuery({ queryKey: [shopId, 'loyalty', 'program'], queryFn: () => api<LoyaltyProgramResult>('/v1/loyalty/program') });
}
