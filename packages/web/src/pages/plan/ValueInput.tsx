import { InputNumber } from 'antd';
import { inputAffix } from '../../format/planValues';
import { displayOf, minorDigits } from '../../format/numbers';
import { useFormat } from '../../format/useFormat';

/** A number typed in the metric's everyday unit: 元 for money, % for ratios, whole numbers for counts. */
export function ValueInput({ id, metric, value, onChange, width = 180, status }: { id?: string; metric: string; value?: number | null; onChange?: (v: number | null) => void; width?: number; status?: 'error' }) {
  const { currency } = useFormat();
  const display = displayOf(metric);
  const affix = inputAffix(metric, currency);
  return (
    <InputNumber
      id={id}
      style={{ width }}
      value={value}
      onChange={(v) => onChange?.(v === null ? null : Number(v))}
      min={display === 'percent' ? 0 : undefined}
      max={display === 'percent' ? 100 : undefined}
      precision={display === 'count' ? 0 : display === 'money' ? minorDigits(currency) : 4}
      prefix={affix.prefix}
      suffix={affix.suffix}
      status={status}
    />
  );
}
