import { AutoComplete, Button, Card, Checkbox, DatePicker, Flex, Input, InputNumber, Select, Space } from 'antd';
import dayjs from 'dayjs';
import {
  enumValues, fieldKinds, orderMeasures, segmentFields,
  type ConditionValue, type SegmentField, type SegmentOp, type ScalarValue,
} from '@flywheel/contracts';
import { minorDigits } from '../../format/numbers';
import { useFormat } from '../../format/useFormat';
import { useI18n, type Translate } from '../../i18n/i18n';
import {
  newCondition, newGroup, operatorsFor, updateNode, valueForOp,
  type ConditionKind, type DraftCondition, type DraftGroup, type DraftNode,
} from './segmentDraft';
import { useSegments } from './useSegments';

const WITHIN = ['7d', '30d', '90d', '180d', '365d'] as const;
const EVENTS = ['Product Added', 'Product Viewed', 'Checkout Started', 'Order Completed', 'Products Searched', 'Signed In', 'Product Shared', 'Product Reviewed', '$pageview'];

/** A label for an enum value: lifecycle stages, RFM classes and genders have theirs. */
function enumLabel(field: SegmentField, value: string, t: Translate): string {
  if (field === 'lifecycle') return t(`customers.lifecycle.${value as 'new'}`);
  if (field === 'rfmClass') return t(`customers.rfm.${value as 'important_value'}`);
  if (field === 'gender') return t(`customers.gender.${value as 'male'}`);
  return value;
}

function withinOptions(t: Translate) {
  return [{ value: '', label: t('segments.within.all') }, ...WITHIN.map((w) => ({ value: w, label: t('segments.within.days', { n: Number(w.slice(0, -1)) }) }))];
}

interface ValueProps { condition: DraftCondition; onChange: (value: ConditionValue | undefined) => void }

/** The value input of a condition, shaped by what it compares and its operator. */
function ValueInput({ condition, onChange }: ValueProps) {
  const { t } = useI18n();
  const format = useFormat();
  if (condition.kind === 'segment') return null;
  const op = condition.op;
  const value = condition.value;
  if (op === 'exists') {
    return <Select style={{ width: 110 }} value={value === false ? 'false' : 'true'} onChange={(v) => onChange(v === 'true')}
      options={[{ value: 'true', label: t('segments.exists.true') }, { value: 'false', label: t('segments.exists.false') }]} />;
  }
  const kind = condition.kind === 'field' ? fieldKinds[condition.field] : 'number';
  // Money measures are entered in yuan (major units) and kept in minor units, as the rule holds them.
  const money = condition.kind === 'orders' && condition.measure !== 'count';
  const scale = money ? 10 ** minorDigits(format.currency) : 1;
  const number = (v: ScalarValue | undefined, set: (n: number | undefined) => void, testId?: string) => (
    <InputNumber style={{ width: 120 }} min={0} value={typeof v === 'number' ? v / scale : undefined} data-testid={testId}
      onChange={(n) => set(n === null || n === undefined ? undefined : Math.round(Number(n) * scale))} />
  );
  if (kind === 'date') {
    if (op === 'between') {
      const pair = Array.isArray(value) && value.length === 2 ? [dayjs(String(value[0])), dayjs(String(value[1]))] as [dayjs.Dayjs, dayjs.Dayjs] : null;
      return <DatePicker.RangePicker value={pair} onChange={(r) => onChange(r && r[0] && r[1] ? [r[0].format('YYYY-MM-DD'), r[1].format('YYYY-MM-DD')] : [])} />;
    }
    return <DatePicker value={typeof value === 'string' ? dayjs(value) : null} onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : undefined)} />;
  }
  if (kind === 'number') {
    if (op === 'between') {
      const [lo, hi] = Array.isArray(value) ? value : [];
      return <Space>{number(lo, (n) => onChange([n ?? 0, typeof hi === 'number' ? hi : n ?? 0]))}~{number(hi, (n) => onChange([typeof lo === 'number' ? lo : 0, n ?? 0]))}</Space>;
    }
    if (op === 'in' || op === 'nin') {
      return <Select mode="tags" style={{ minWidth: 180 }} value={(Array.isArray(value) ? value : []).map((v) => String(Number(v) / scale))}
        onChange={(vs: string[]) => onChange(vs.map(Number).filter(Number.isFinite).map((n) => Math.round(n * scale)))} />;
    }
    return number(value as ScalarValue | undefined, (n) => onChange(n), 'condition-value');
  }
  const field = condition.kind === 'field' ? condition.field : 'province';
  const choices = enumValues[field];
  if (choices) {
    const options = choices.map((v) => ({ value: v, label: enumLabel(field, v, t) }));
    if (op === 'in' || op === 'nin') return <Select mode="multiple" style={{ minWidth: 200 }} value={Array.isArray(value) ? value as string[] : []} options={options} onChange={(v: string[]) => onChange(v)} />;
    return <Select style={{ width: 160 }} value={typeof value === 'string' ? value : undefined} options={options} onChange={(v: string) => onChange(v)} data-testid="condition-value" />;
  }
  if (op === 'in' || op === 'nin') return <Select mode="tags" style={{ minWidth: 200 }} value={Array.isArray(value) ? value as string[] : []} onChange={(v: string[]) => onChange(v)} />;
  return <Input style={{ width: 160 }} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value || undefined)} data-testid="condition-value" />;
}

function ConditionRow({ condition, onChange, onRemove }: { condition: DraftCondition; onChange: (c: DraftCondition) => void; onRemove: () => void }) {
  const { t, label } = useI18n();
  const segments = useSegments();
  const ops = operatorsFor(condition);
  const opSelect = (c: Exclude<DraftCondition, { kind: 'segment' }>) => (
    <Select<SegmentOp> style={{ width: 140 }} value={c.op} data-testid="condition-op"
      options={ops.map((op) => ({ value: op, label: t(`segments.op.${op}`) }))}
      onChange={(op) => onChange({ ...c, op, value: valueForOp(op, c.value) })} />
  );
  return (
    <Flex gap={8} wrap align="center" data-testid="condition">
      <Select<ConditionKind> style={{ width: 100 }} value={condition.kind} data-testid="condition-kind"
        options={(['field', 'orders', 'event', 'segment'] as const).map((k) => ({ value: k, label: t(`segments.kind.${k}`) }))}
        onChange={(kind) => onChange({ ...newCondition(kind), id: condition.id })} />
      {condition.kind === 'field' && <>
        <Select<SegmentField> style={{ width: 130 }} value={condition.field} data-testid="condition-field"
          options={segmentFields.map((f) => ({ value: f, label: t(`segments.field.${f}`) }))}
          onChange={(field) => {
            const allowed = operatorsFor({ ...condition, field });
            const op = allowed.includes(condition.op) ? condition.op : allowed[0];
            onChange({ ...condition, field, op, value: fieldKinds[field] === fieldKinds[condition.field] ? condition.value : valueForOp(op, undefined) });
          }} />
        {opSelect(condition)}
      </>}
      {condition.kind === 'orders' && <>
        <Select style={{ width: 120 }} value={condition.within ?? ''} options={withinOptions(t)} onChange={(w: string) => onChange({ ...condition, within: w || null })} />
        <Input style={{ width: 180 }} placeholder={t('segments.category')} value={condition.category} onChange={(e) => onChange({ ...condition, category: e.target.value })} />
        <Select style={{ width: 140 }} value={condition.measure} options={orderMeasures.map((m) => ({ value: m, label: { count: t('segments.measure.count'), net_sales: label('metric', 'net_sales'), aov: t('segments.measure.aov') }[m] }))}
          onChange={(measure) => onChange({ ...condition, measure, value: undefined })} />
        {opSelect(condition)}
      </>}
      {condition.kind === 'event' && <>
        <AutoComplete style={{ width: 200 }} value={condition.event} options={EVENTS.map((e) => ({ value: e }))} placeholder={t('segments.event')}
          onChange={(event: string) => onChange({ ...condition, event })} />
        <Select style={{ width: 120 }} value={condition.within ?? ''} options={withinOptions(t)} onChange={(w: string) => onChange({ ...condition, within: w || null })} />
        {opSelect(condition)}
      </>}
      {condition.kind === 'segment' && (
        <Select style={{ width: 220 }} value={condition.segment || undefined} showSearch optionFilterProp="label"
          options={(segments.data?.segments ?? []).map((s) => ({ value: s.id, label: s.name }))} onChange={(segment: string) => onChange({ ...condition, segment })} />
      )}
      <ValueInput condition={condition} onChange={(value) => onChange({ ...condition, value } as DraftCondition)} />
      {condition.kind === 'event' && <span>{t('segments.times')}</span>}
      <Button size="small" type="text" danger onClick={onRemove}>{t('segments.remove')}</Button>
    </Flex>
  );
}

function GroupEditor({ group, root, onChange, depth }: { group: DraftGroup; root: DraftGroup; onChange: (root: DraftGroup) => void; depth: number }) {
  const { t } = useI18n();
  const replace = (id: string, next: DraftNode | null) => onChange(updateNode(root, id, () => next));
  const setGroup = (patch: Partial<DraftGroup>) => replace(group.id, { ...group, ...patch });
  return (
    <Card size="small" style={{ background: depth % 2 ? '#fafafa' : '#fff' }} data-testid="condition-group">
      <Flex gap={8} align="center" style={{ marginBottom: 8 }}>
        <Select style={{ width: 150 }} value={group.mode} onChange={(mode) => setGroup({ mode })} data-testid="group-mode"
          options={[{ value: 'all', label: t('segments.group.all') }, { value: 'any', label: t('segments.group.any') }]} />
        <Checkbox checked={group.negate} onChange={(e) => setGroup({ negate: e.target.checked })}>{t('segments.group.not')}</Checkbox>
        {group.id !== root.id && <Button size="small" type="text" danger onClick={() => replace(group.id, null)}>{t('segments.remove')}</Button>}
      </Flex>
      <Flex vertical gap={8}>
        {group.children.map((child) => (child.kind === 'group'
          ? <GroupEditor key={child.id} group={child} root={root} onChange={onChange} depth={depth + 1} />
          : <ConditionRow key={child.id} condition={child} onChange={(c) => replace(child.id, c)} onRemove={() => replace(child.id, null)} />))}
      </Flex>
      <Space style={{ marginTop: 8 }}>
        <Button size="small" onClick={() => setGroup({ children: [...group.children, newCondition('field')] })} data-testid="add-condition">{t('segments.addCondition')}</Button>
        {depth < 8 && <Button size="small" onClick={() => setGroup({ children: [...group.children, newGroup(group.mode === 'all' ? 'any' : 'all', [newCondition('field')])] })}>{t('segments.addGroup')}</Button>}
      </Space>
    </Card>
  );
}

/** The rule editor: groups of conditions with AND / OR, each group can be negated. */
export function SegmentBuilder({ draft, onChange }: { draft: DraftGroup; onChange: (draft: DraftGroup) => void }) {
  return <GroupEditor group={draft} root={draft} onChange={onChange} depth={0} />;
}
