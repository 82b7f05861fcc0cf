import { useMemo, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, DatePicker, Drawer, Flex, Form, Input, InputNumber, Radio, Select, Space, Switch, Typography } from 'antd';
import dayjs from 'dayjs';
import { promotionKinds, type Promotion, type PromotionKind } from '@flywheel/contracts';
import { api, ApiError } from '../../api/client';
import { useCurrentSession } from '../../api/session';
import { useFormat } from '../../format/useFormat';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useSegments } from '../customers/useSegments';
import { bodyOf, draftOf, newDraft, problems, type PromotionDraft } from './promotionDraft';
import { MoneyInput, ruleSummary, TagsInput } from './shared';

type Set = (change: Partial<PromotionDraft>) => void;

function Row({ children }: { children: React.ReactNode }) {
  return <Flex gap={8} align="center" wrap style={{ marginBottom: 8 }}>{children}</Flex>;
}

/** 满减 / 满折 / 每满 / 满包邮: a tier table on amount or units. */
function ThresholdEditor({ d, set, error }: { d: PromotionDraft; set: Set; error: (field: string) => boolean }) {
  const { t } = useI18n();
  const r = d.threshold;
  const put = (change: Partial<PromotionDraft['threshold']>) => set({ threshold: { ...r, ...change } });
  const tiers = r.tiers;
  return (
    <>
      <Row>
        <Typography.Text>{t('promotions.rule.basis')}</Typography.Text>
        <Radio.Group value={r.basis} onChange={(e) => put({ basis: e.target.value, tiers: tiers.map((x) => ({ ...x, min: null })) })} data-testid="threshold-basis"
          options={[{ value: 'amount', label: t('promotions.rule.basis.amount') }, { value: 'quantity', label: t('promotions.rule.basis.quantity') }]} />
      </Row>
      <Row>
        <Typography.Text>{t('promotions.rule.benefit')}</Typography.Text>
        <Radio.Group value={r.benefit} onChange={(e) => put({ benefit: e.target.value, tiers: tiers.map((x) => ({ ...x, value: null })) })} data-testid="threshold-benefit"
          options={(['off', 'percentOff', 'freeShipping'] as const).map((b) => ({ value: b, label: t(`promotions.rule.benefit.${b}`) }))} />
      </Row>
      {tiers.map((tier, i) => (
        <Row key={i}>
          <Typography.Text>{t('promotions.rule.min')}</Typography.Text>
          {r.basis === 'amount'
            ? <MoneyInput id={`tier-${i}-min`} value={tier.min} status={error(`rule.tiers[${i}].min`) ? 'error' : undefined} onChange={(v) => put({ tiers: tiers.map((x, k) => (k === i ? { ...x, min: v } : x)) })} />
            : <InputNumber data-testid={`tier-${i}-min`} min={1} precision={0} value={tier.min} status={error(`rule.tiers[${i}].min`) ? 'error' : undefined} onChange={(v) => put({ tiers: tiers.map((x, k) => (k === i ? { ...x, min: v === null ? null : Number(v) } : x)) })} addonAfter={t('promotions.summary.units', { n: '' }).trim()} />}
          {r.benefit === 'off' && <><Typography.Text>{t('promotions.rule.off')}</Typography.Text><MoneyInput id={`tier-${i}-value`} value={tier.value} status={error(`rule.tiers[${i}].off`) ? 'error' : undefined} onChange={(v) => put({ tiers: tiers.map((x, k) => (k === i ? { ...x, value: v } : x)) })} /></>}
          {r.benefit === 'percentOff' && <><Typography.Text>{t('promotions.rule.percentOff')}</Typography.Text><InputNumber data-testid={`tier-${i}-value`} min={0} max={100} precision={2} addonAfter="%" value={tier.value} status={error(`rule.tiers[${i}].percentOff`) ? 'error' : undefined} onChange={(v) => put({ tiers: tiers.map((x, k) => (k === i ? { ...x, value: v === null ? null : Number(v) } : x)) })} /></>}
          {tiers.length > 1 && <Button size="small" onClick={() => put({ tiers: tiers.filter((_, k) => k !== i) })}>{t('app.delete')}</Button>}
        </Row>
      ))}
      <Row>
        <Button size="small" onClick={() => put({ tiers: [...tiers, { min: null, value: null }] })} data-testid="add-tier">{t('promotions.rule.addTier')}</Button>
        {r.benefit === 'off' && <Checkbox checked={r.repeat} onChange={(e) => put({ repeat: e.target.checked })}>{t('promotions.rule.repeat')}</Checkbox>}
      </Row>
    </>
  );
}

function TimedEditor({ d, set, error }: { d: PromotionDraft; set: Set; error: (field: string) => boolean }) {
  const { t } = useI18n();
  const r = d.timed;
  const put = (change: Partial<PromotionDraft['timed']>) => set({ timed: { ...r, ...change } });
  return (
    <>
      <Row>
        <Typography.Text>{t('promotions.rule.mode')}</Typography.Text>
        <Radio.Group value={r.mode} onChange={(e) => put({ mode: e.target.value })} options={[{ value: 'percent', label: t('promotions.rule.mode.percent') }, { value: 'prices', label: t('promotions.rule.mode.prices') }]} />
      </Row>
      {r.mode === 'percent'
        ? <Row><Typography.Text>{t('promotions.rule.percentOff')}</Typography.Text><InputNumber data-testid="timed-percent" min={0} max={100} precision={2} addonAfter="%" value={r.percentOff} status={error('rule.percentOff') ? 'error' : undefined} onChange={(v) => put({ percentOff: v === null ? null : Number(v) })} /></Row>
        : <>
          {r.prices.map((p, i) => (
            <Row key={i}>
              <Input style={{ width: 180 }} placeholder={t('promotions.rule.sku')} value={p.sku} onChange={(e) => put({ prices: r.prices.map((x, k) => (k === i ? { ...x, sku: e.target.value } : x)) })} />
              <Typography.Text>{t('promotions.rule.price')}</Typography.Text>
              <MoneyInput value={p.price} status={error(`rule.prices[${i}]`) ? 'error' : undefined} onChange={(v) => put({ prices: r.prices.map((x, k) => (k === i ? { ...x, price: v } : x)) })} />
              {r.prices.length > 1 && <Button size="small" onClick={() => put({ prices: r.prices.filter((_, k) => k !== i) })}>{t('app.delete')}</Button>}
            </Row>
          ))}
          <Button size="small" onClick={() => put({ prices: [...r.prices, { sku: '', price: null }] })}>{t('promotions.rule.addPrice')}</Button>
        </>}
    </>
  );
}

function MemberEditor({ d, set, error }: { d: PromotionDraft; set: Set; error: (field: string) => boolean }) {
  const { t } = useI18n();
  const r = d.member;
  const put = (change: Partial<PromotionDraft['member']>) => set({ member: { ...r, ...change } });
  return (
    <>
      <Row>
        <Typography.Text>{t('promotions.rule.memberMode')}</Typography.Text>
        <Radio.Group value={r.mode} onChange={(e) => put({ mode: e.target.value, tiers: e.target.value === 'custom' && r.tiers.length === 0 ? [{ tier: '', percentOff: null }] : r.tiers })}
          options={[{ value: 'tier', label: t('promotions.rule.memberMode.tier') }, { value: 'custom', label: t('promotions.rule.memberMode.custom') }]} />
      </Row>
      {r.mode === 'custom' && <>
        {r.tiers.map((x, i) => (
          <Row key={i}>
            <Input style={{ width: 140 }} placeholder={t('promotions.rule.tier')} value={x.tier} status={error(`rule.tiers[${i}]`) ? 'error' : undefined} onChange={(e) => put({ tiers: r.tiers.map((y, k) => (k === i ? { ...y, tier: e.target.value } : y)) })} />
            <InputNumber min={0} max={100} precision={2} addonAfter="%" value={x.percentOff} status={error(`rule.tiers[${i}]`) ? 'error' : undefined} onChange={(v) => put({ tiers: r.tiers.map((y, k) => (k === i ? { ...y, percentOff: v === null ? null : Number(v) } : y)) })} />
            <Button size="small" onClick={() => put({ tiers: r.tiers.filter((_, k) => k !== i) })}>{t('app.delete')}</Button>
          </Row>
        ))}
        <Button size="small" onClick={() => put({ tiers: [...r.tiers, { tier: '', percentOff: null }] })}>{t('promotions.rule.addTierPrice')}</Button>
      </>}
    </>
  );
}

function BundleEditor({ d, set, error }: { d: PromotionDraft; set: Set; error: (field: string) => boolean }) {
  const { t } = useI18n();
  const r = d.bundle;
  const put = (change: Partial<PromotionDraft['bundle']>) => set({ bundle: { ...r, ...change } });
  return (
    <>
      <Row>
        <Typography.Text>{t('promotions.rule.bundleMode')}</Typography.Text>
        <Radio.Group value={r.mode} onChange={(e) => put({ mode: e.target.value, value: null })} options={[{ value: 'off', label: t('promotions.rule.bundleMode.off') }, { value: 'price', label: t('promotions.rule.bundleMode.price') }]} />
      </Row>
      <Row>
        <Typography.Text>{t('promotions.rule.quantity')}</Typography.Text>
        <InputNumber data-testid="bundle-quantity" min={1} max={1000} precision={0} value={r.quantity} status={error('rule.quantity') ? 'error' : undefined} onChange={(v) => put({ quantity: v === null ? null : Number(v) })} />
        <Typography.Text>{r.mode === 'off' ? t('promotions.rule.off') : t('promotions.rule.bundlePrice')}</Typography.Text>
        <MoneyInput id="bundle-value" value={r.value} status={error(`rule.${r.mode}`) ? 'error' : undefined} onChange={(v) => put({ value: v })} />
        <Checkbox checked={r.repeat} onChange={(e) => put({ repeat: e.target.checked })}>{t('promotions.rule.repeat')}</Checkbox>
      </Row>
    </>
  );
}

function GiftEditor({ d, set, error }: { d: PromotionDraft; set: Set; error: (field: string) => boolean }) {
  const { t } = useI18n();
  const r = d.gift;
  const put = (change: Partial<PromotionDraft['gift']>) => set({ gift: { ...r, ...change } });
  return (
    <>
      <Row>
        <Typography.Text>{t('promotions.rule.basis')}</Typography.Text>
        <Radio.Group value={r.basis} onChange={(e) => put({ basis: e.target.value, tiers: r.tiers.map((x) => ({ ...x, min: null })) })} options={[{ value: 'amount', label: t('promotions.rule.basis.amount') }, { value: 'quantity', label: t('promotions.rule.basis.quantity') }]} />
      </Row>
      {r.tiers.map((tier, i) => (
        <Row key={i}>
          <Typography.Text>{t('promotions.rule.min')}</Typography.Text>
          {r.basis === 'amount'
            ? <MoneyInput value={tier.min} status={error(`rule.tiers[${i}].min`) ? 'error' : undefined} onChange={(v) => put({ tiers: r.tiers.map((x, k) => (k === i ? { ...x, min: v } : x)) })} />
            : <InputNumber min={1} precision={0} value={tier.min} onChange={(v) => put({ tiers: r.tiers.map((x, k) => (k === i ? { ...x, min: v === null ? null : Number(v) } : x)) })} />}
          <Input style={{ width: 160 }} placeholder={t('promotions.rule.giftSku')} value={tier.sku} status={error(`rule.tiers[${i}].gift.sku`) ? 'error' : undefined} onChange={(e) => put({ tiers: r.tiers.map((x, k) => (k === i ? { ...x, sku: e.target.value } : x)) })} />
          <InputNumber min={1} max={100} precision={0} value={tier.quantity} addonBefore="×" onChange={(v) => put({ tiers: r.tiers.map((x, k) => (k === i ? { ...x, quantity: v === null ? null : Number(v) } : x)) })} />
          {r.tiers.length > 1 && <Button size="small" onClick={() => put({ tiers: r.tiers.filter((_, k) => k !== i) })}>{t('app.delete')}</Button>}
        </Row>
      ))}
      <Button size="small" onClick={() => put({ tiers: [...r.tiers, { min: null, sku: '', quantity: 1 }] })}>{t('promotions.rule.addTier')}</Button>
    </>
  );
}

const editors: Record<PromotionKind, typeof ThresholdEditor> = { threshold: ThresholdEditor, timed_discount: TimedEditor, member_price: MemberEditor, bundle: BundleEditor, gift: GiftEditor };

/** The promotion editor: kind-specific rule editors, scope, audience, budget and stacking; checked before it is sent, the server's refusal shown at its field. */
export function PromotionForm({ editing, onClose }: { editing: Promotion | null; onClose: () => void }) {
  const { t } = useI18n();
  const format = useFormat();
  const { message } = App.useApp();
  const { shopId } = useCurrentSession();
  const client = useQueryClient();
  const segments = useSegments();
  const [draft, setDraft] = useState<PromotionDraft>(() => (editing ? draftOf(editing) : newDraft()));
  const [tried, setTried] = useState(false);
  const [serverError, setServerError] = useState<ApiError | null>(null);
  const set: Set = (change) => setDraft((d) => ({ ...d, ...change }));
  const found = useMemo(() => problems(draft), [draft]);
  const shown = tried ? found : [];
  const error = (field: string) => shown.some((p) => p.field === field || p.field.startsWith(`${field}.`)) || serverError?.field === field;
  const save = useMutation({
    mutationFn: (status: 'draft' | 'live') => {
      const body = bodyOf(draft, status);
      if (!editing) return api<Promotion>('/v1/promotions', { method: 'POST', body });
      const { kind: _kind, status: _status, ...patch } = body;
      return api<Promotion>(`/v1/promotions/${editing.id}`, { method: 'PATCH', body: patch });
    },
    onSuccess: async () => {
      message.success(t('app.saved'));
      await client.invalidateQueries({ queryKey: [shopId, 'promotions'] });
      onClose();
    },
    onError: (e: Error) => setServerError(e instanceof ApiError ? e : new ApiError(0, 'unknown', e.message)),
  });
  const submit = (status: 'draft' | 'live') => {
    setTried(true);
    setServerError(null);
    if (found.length === 0) save.mutate(status);
  };
  const Editor = editors[draft.kind];
  const preview = found.some((p) => p.field.startsWith('rule')) ? null : ruleSummary({ kind: draft.kind, rule: bodyOf(draft, 'draft').rule }, t, format);

  return (
    <Drawer open width={720} onClose={onClose} title={editing ? t('promotions.form.titleEdit') : t('promotions.form.titleNew')} data-testid="promotion-form"
      extra={<Space>
        {!editing && <Button onClick={() => submit('draft')} loading={save.isPending} data-testid="promotion-save-draft">{t('promotions.form.saveDraft')}</Button>}
        <Button type="primary" onClick={() => submit('live')} loading={save.isPending} data-testid="promotion-publish">{editing ? t('promotions.form.save') : t('promotions.form.publish')}</Button>
      </Space>}>
      {shown.length > 0 && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} data-testid="promotion-problems"
          message={shown.map((p) => t(`promotions.validation.${p.key}` as MessageKey, { field: p.field })).join(t('app.listSeparator'))} />
      )}
      {serverError && <Alert type="error" showIcon style={{ marginBottom: 12 }} data-testid="promotion-server-error" message={serverError.field ? t('promotions.validation.server', { field: serverError.field, message: serverError.message }) : serverError.message} />}
      <Form layout="vertical">
        <Form.Item label={t('promotions.form.name')} validateStatus={error('name') ? 'error' : undefined}>
          <Input data-testid="promotion-name" value={draft.name} maxLength={200} onChange={(e) => set({ name: e.target.value })} />
        </Form.Item>
        <Form.Item label={t('promotions.form.kind')}>
          <Select data-testid="promotion-kind" value={draft.kind} disabled={Boolean(editing)} onChange={(kind: PromotionKind) => set({ kind })}
            options={promotionKinds.map((k) => ({ value: k, label: t(`promotions.kind.${k}`) }))} />
        </Form.Item>
        <Form.Item label={t('promotions.form.window')} validateStatus={error('endsAt') || error('startsAt') ? 'error' : undefined}>
          <DatePicker.RangePicker showTime value={[draft.startsAt ? dayjs(draft.startsAt) : null, draft.endsAt ? dayjs(draft.endsAt) : null]}
            onChange={(range) => set({ startsAt: range?.[0]?.toISOString() ?? null, endsAt: range?.[1]?.toISOString() ?? null })} />
        </Form.Item>
        <Card size="small" title={t('promotions.form.rule')} style={{ marginBottom: 16 }} data-testid="rule-editor">
          <Editor d={draft} set={set} error={error} />
          {preview && <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }} data-testid="rule-preview">{t('promotions.form.readsAs')}{preview}</Typography.Paragraph>}
        </Card>
        <Card size="small" title={t('promotions.form.scope')} style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('promotions.form.scopeHint')}</Typography.Paragraph>
          <Form.Item label={t('promotions.form.scopeCategories')}><TagsInput testId="scope-categories" value={draft.categories} onChange={(categories) => set({ categories })} /></Form.Item>
          <Form.Item label={t('promotions.form.scopeSkus')}><TagsInput testId="scope-skus" value={draft.skus} onChange={(skus) => set({ skus })} /></Form.Item>
          <Form.Item label={t('promotions.form.excludeSkus')}><TagsInput value={draft.excludeSkus} onChange={(excludeSkus) => set({ excludeSkus })} /></Form.Item>
        </Card>
        <Card size="small" title={t('promotions.form.audience')} style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('promotions.form.audienceHint')}</Typography.Paragraph>
          <Form.Item label={t('promotions.form.audienceSegment')}>
            <Select allowClear value={draft.segment ?? undefined} onChange={(segment?: string) => set({ segment: segment ?? null })} options={(segments.data?.segments ?? []).map((s) => ({ value: s.id, label: s.name }))} />
          </Form.Item>
          <Form.Item label={t('promotions.form.audienceTiers')}><TagsInput value={draft.tiers} onChange={(tiers) => set({ tiers })} /></Form.Item>
          <Switch checked={draft.newCustomersOnly} onChange={(newCustomersOnly) => set({ newCustomersOnly })} /> <Typography.Text>{t('promotions.form.newCustomersOnly')}</Typography.Text>
        </Card>
        <Card size="small" title={t('promotions.form.budget')} style={{ marginBottom: 16 }}>
          <Flex gap={16} wrap>
            <Form.Item label={t('promotions.form.maxDiscount')}><MoneyInput value={draft.maxDiscount} onChange={(maxDiscount) => set({ maxDiscount })} /></Form.Item>
            <Form.Item label={t('promotions.form.maxUses')}><InputNumber min={1} precision={0} value={draft.maxUses} onChange={(v) => set({ maxUses: v === null ? null : Number(v) })} /></Form.Item>
            <Form.Item label={t('promotions.form.perCustomer')}><InputNumber min={1} precision={0} value={draft.perCustomer} onChange={(v) => set({ perCustomer: v === null ? null : Number(v) })} /></Form.Item>
          </Flex>
        </Card>
        <Card size="small" title={t('promotions.form.stacking')}>
          <Typography.Paragraph type="secondary">{t('promotions.form.groupHint')}</Typography.Paragraph>
          <Flex gap={16} align="center" wrap>
            <Form.Item label={t('promotions.form.group')} style={{ marginBottom: 0 }}><Input data-testid="promotion-group" style={{ width: 180 }} value={draft.group} onChange={(e) => set({ group: e.target.value })} /></Form.Item>
            <Checkbox checked={draft.exclusive} onChange={(e) => set({ exclusive: e.target.checked })}>{t('promotions.form.exclusive')}</Checkbox>
          </Flex>
        </Card>
      </Form>
    </Drawer>
  );
}
