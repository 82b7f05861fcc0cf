import { DatePicker, Select, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { addDays, comparisonDays, lastDay, periodPresets, type PeriodPreset } from '../format/dates';
import { useI18n } from '../i18n/i18n';
import { usePeriod, type Comparison } from '../shell/PeriodContext';
import { useShopSettings } from '../format/useFormat';

/** Period presets, a custom range (shown inclusive; sent as [from, to)) and the comparison. */
export function PeriodPicker({ withCompare = true }: { withCompare?: boolean }) {
  const { t } = useI18n();
  const { timezone } = useShopSettings();
  const { period, preset, compare, setPreset, setCustom, setCompare } = usePeriod();
  return (
    <Space wrap data-testid="period-picker">
      <Select<PeriodPreset | 'custom'>
        style={{ width: 130 }}
        value={preset ?? 'custom'}
        aria-label={t('period.label')}
        options={periodPresets.map((p) => ({ value: p, label: t(`period.preset.${p}`) }))}
        onChange={(value) => { if (value !== 'custom') setPreset(value); }}
      />
      <DatePicker.RangePicker
        allowClear={false}
        value={[dayjs(period.from), dayjs(lastDay(period))]}
        onChange={(range) => {
          if (range?.[0] && range[1]) setCustom({ from: range[0].format('YYYY-MM-DD'), to: addDays(range[1].format('YYYY-MM-DD'), 1) });
        }}
      />
      {withCompare && (
        <Select<Comparison>
          style={{ width: 140 }}
          value={compare}
          aria-label={t('period.compare')}
          onChange={setCompare}
          options={(['previous_period', 'previous_year', 'none'] as const).map((c) => ({ value: c, label: t(`period.compare.${c}`) }))}
        />
      )}
      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="period-vs">
        {withCompare && compare === 'previous_period' ? `${t('period.vs', comparisonDays(period))} · ` : ''}
        {t('period.timezone', { tz: timezone })}
      </Typography.Text>
    </Space>
  );
}
