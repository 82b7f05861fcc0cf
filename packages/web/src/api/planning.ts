import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Alert, budgetsResult, DriverTree, Locale, pacingResult, Plan, PlanDetail, ReviewReport } from '@flywheel/contracts';
import { api, queryString } from './client';
import { useCurrentSession } from './session';

export type PacingResult = z.infer<typeof pacingResult>;
export type BudgetsResult = z.infer<typeof budgetsResult>;
export type BudgetRow = BudgetsResult['budgets'][number];

/** Query keys of the planning API, under the shop so a shop switch or an import refetches them. */
export const planningKeys = {
  plans: (shopId: string) => [shopId, 'plans'] as const,
  plan: (shopId: string, planId: string) => [shopId, 'plans', planId] as const,
};

export function usePlans() {
  const { shopId } = useCurrentSession();
  return useQuery({ queryKey: planningKeys.plans(shopId), queryFn: () => api<{ plans: Plan[] }>('/v1/plans') });
}

export function usePlan(planId: string | undefined) {
  const { shopId } = useCurrentSession();
  return useQuery({ queryKey: planningKeys.plan(shopId, planId ?? ''), queryFn: () => api<PlanDetail>(`/v1/plans/${encodeURIComponent(planId!)}`), enabled: !!planId });
}

export function usePacing(planId: string | undefined) {
  const { shopId } = useCurrentSession();
  return useQuery({ queryKey: [...planningKeys.plan(shopId, planId ?? ''), 'pacing'], queryFn: () => api<PacingResult>(`/v1/plans/${encodeURIComponent(planId!)}/pacing`), enabled: !!planId });
}

export function useDrivers(planId: string, targetId: string, enabled: boolean) {
  const { shopId } = useCurrentSession();
  return useQuery({ queryKey: [...planningKeys.plan(shopId, planId), 'drivers', targetId], queryFn: () => api<DriverTree>(`/v1/plans/${encodeURIComponent(planId)}/targets/${encodeURIComponent(targetId)}/drivers`), enabled });
}

export function useBudgets(month: string) {
  const { shopId } = useCurrentSession();
  return useQuery({ queryKey: [shopId, 'budgets', month], queryFn: () => api<BudgetsResult>(`/v1/budgets${queryString({ month })}`) });
}

export function useAlerts(status: 'open' | 'closed' | 'all') {
  const { shopId } = useCurrentSession();
  return useQuery({ queryKey: [shopId, 'alerts', status], queryFn: () => api<{ alerts: Alert[] }>(`/v1/alerts${queryString({ status, limit: 100 })}`) });
}

/** The report in a language (`lang`): the PDF and HTML are rendered by the server; the JSON carries texts the console renders itself. */
export function reviewPath(period: { month?: string; quarter?: string }, format: 'json' | 'pdf' | 'html' = 'json', lang?: Locale): string {
  return `/v1/reviews${queryString({ ...period, format, ...(lang ? { lang } : {}) })}`;
}

export function useReview(period: { month?: string; quarter?: string }) {
  const { shopId } = useCurrentSession();
  const path = reviewPath(period);
  return useQuery({ queryKey: [shopId, 'review', path], queryFn: () => api<ReviewReport>(path) });
}
