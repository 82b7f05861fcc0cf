import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { presetPeriod, todayIn, type Period, type PeriodPreset } from '../format/dates';
import { useShopSettings } from '../format/useFormat';

export type Comparison = 'previous_period' | 'previous_year' | 'none';

interface PeriodState {
  period: Period;
  /** The preset it came from, or null for a custom range. */
  preset: PeriodPreset | null;
  compare: Comparison;
  today: string;
  setPreset(preset: PeriodPreset): void;
  setCustom(period: Period): void;
  setCompare(compare: Comparison): void;
}

const PeriodContext = createContext<PeriodState | null>(null);

/** The period the user picked, kept while they move between pages. Default: the last 30 days ending yesterday in the shop's time zone. */
export function PeriodProvider({ children }: { children: ReactNode }) {
  const { timezone } = useShopSettings();
  const today = todayIn(timezone);
  const [preset, setPresetState] = useState<PeriodPreset | null>('last_30_days');
  const [custom, setCustomState] = useState<Period | null>(null);
  const [compare, setCompare] = useState<Comparison>('previous_period');

  const value = useMemo<PeriodState>(() => ({
    period: preset ? presetPeriod(preset, today) : custom!,
    preset, compare, today,
    setPreset: (p) => { setPresetState(p); setCustomState(null); },
    setCustom: (p) => { setPresetState(null); setCustomState(p); },
    setCompare,
  }), [preset, custom, compare, today]);
  return <PeriodContext.Provider value={value}>{children}</PeriodContext.Provider>;
}

export function usePeriod(): PeriodState {
  const state = useContext(PeriodContext);
  if (!state) throw new Error('usePeriod outside PeriodProvider');
  return state;
}
