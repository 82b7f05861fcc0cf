import { useEffect } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Divider, Form, Input, InputNumber, Row, Select, Space, Switch, Table, Typography } from 'antd';
import type { LoyaltyProgramResult } from '@flywheel/contracts';
import { api, ApiError } from '../../api/client';
import { useCurrentSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { draftOf, formFieldOf, programOf, thresholdProblem, type ProgramDraft } from './programDraft';

const expiries = ['12m', '24m', 'year_end_next'] as const;

/** 会员方案设置: growth rules, tiers with benefits, points earning, expiry, sign-in and redemption; a save is a new version from now on. */
export function ProgramForm({ program, canEdit }: { program: LoyaltyProgramResult; canEdit: boolean }) {
  const { t } = useI18n();
  const format = useFormat();
  const { message } = App.useApp();
  const { shopId } = useCurrentSession();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ProgramDraft>();
  useEffect(() => { form.setFieldsValue(draftOf(program)); }, [program, form]);

  const save = useMutation({
    mutationFn: (draft: ProgramDraft) => api<LoyaltyProgramResult>('/v1/loyalty/program', { method: 'PUT', body: programOf(draft) }),
    onSuccess: async (saved) => {
      message.success(t('loyalty.saved', { version: saved.version }));
      await queryClient.invalidateQueries({ queryKey: [shopId, 'loyalty'] });
    },
    onError: (error) => {
      // The server names the field it refuses (`tiers[1].minGrowth`): the message goes beside it.
      if (error instanceof ApiError && error.field) form.setFields([{ name: formFieldOf(error.field) as never, errors: [error.message] }]);
    },
  });

  const required = { required: true, message: t('loyalty.required') };
  const number = (min = 0, extra: object = {}) => <InputNumber min={min} style={{ width: '100%' }} disabled={!canEdit} {...extra} />;
  const whole = (min = 0) => number(min, { precision: 0 });

  return (
    <Card size="small" title={t('loyalty.settings')} data-testid="loyalty-program"
      extra={<Typography.Text type="secondary" data-testid="loyalty-program-version">
        {program.version === 0 ? t('loyalty.settings.default') : t('loyalty.settings.version', { version: program.version, since: program.effectiveFrom ? format.timestamp(program.effectiveFrom) : '' })}
      </Typography.Text>}>
      <Typography.Paragraph type="secondary">{t('loyalty.settings.versionHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(draft) => save.mutate(draft)} disabled={!canEdit} data-testid="loyalty-program-form">
        <Divider orientation="left" plain>{t('loyalty.growth')}</Divider>
        <Row gutter={12}>
          <Col xs={12} md={5}><Form.Item name={['growth', 'perYuan']} label={t('loyalty.growth.perYuan')} rules={[required]}>{number(0, { step: 0.1 })}</Form.Item></Col>
          <Col xs={12} md={5}><Form.Item name={['growth', 'signIn']} label={t('loyalty.growth.signIn')} rules={[required]}>{whole()}</Form.Item></Col>
          <Col xs={12} md={5}><Form.Item name={['growth', 'review']} label={t('loyalty.growth.review')} rules={[required]}>{whole()}</Form.Item></Col>
          <Col xs={12} md={4}><Form.Item name={['growth', 'share']} label={t('loyalty.growth.share')} rules={[required]}>{whole()}</Form.Item></Col>
          <Col xs={12} md={5}><Form.Item name={['growth', 'windowDays']} label={t('loyalty.growth.window')} rules={[required]}>{whole(1)}</Form.Item></Col>
        </Row>

        <Divider orientation="left" plain>{t('loyalty.tiers')}</Divider>
        <Form.List name="tiers">
          {(fields, { add, remove }) => (
            <>
              <Table size="small" pagination={false} rowKey="key" dataSource={fields} data-testid="loyalty-tiers-table" columns={[
                { title: t('loyalty.tier.key'), key: 'key', render: (_: unknown, f) => <Form.Item name={[f.name, 'key']} rules={[required]} style={{ margin: 0 }}><Input style={{ width: 100 }} /></Form.Item> },
                { title: t('loyalty.tier.name'), key: 'name', render: (_: unknown, f) => <Form.Item name={[f.name, 'name']} rules={[required]} style={{ margin: 0 }}><Input style={{ width: 120 }} /></Form.Item> },
                {
                  title: t('loyalty.minGrowth'), key: 'minGrowth', render: (_: unknown, f) => (
                    <Form.Item name={[f.name, 'minGrowth']} style={{ margin: 0 }} dependencies={fields.map((o) => ['tiers', o.name, 'minGrowth'])} rules={[required, {
                      validator: async () => {
                        const problem = thresholdProblem(form.getFieldValue('tiers') ?? [], f.name);
                        if (problem) throw new Error(t(`loyalty.threshold.${problem}`));
                      },
                    }]}>
                      <InputNumber min={0} precision={0} style={{ width: 120 }} data-testid={`tier-min-${f.name}`} />
                    </Form.Item>
                  ),
                },
                { title: t('loyalty.tier.discountPct'), key: 'discount', render: (_: unknown, f) => <Form.Item name={[f.name, 'benefits', 'discountPct']} rules={[required]} style={{ margin: 0 }}><InputNumber min={0} max={100} style={{ width: 90 }} /></Form.Item> },
                { title: t('loyalty.tier.birthdayPoints'), key: 'birthday', render: (_: unknown, f) => <Form.Item name={[f.name, 'benefits', 'birthdayPoints']} rules={[required]} style={{ margin: 0 }}><InputNumber min={0} precision={0} style={{ width: 100 }} /></Form.Item> },
                { title: t('loyalty.tier.freeShipping'), key: 'shipping', render: (_: unknown, f) => <Form.Item name={[f.name, 'benefits', 'freeShipping']} valuePropName="checked" style={{ margin: 0 }}><Switch /></Form.Item> },
                { title: '', key: 'remove', render: (_: unknown, f) => (fields.length > 1 && canEdit ? <Button type="link" danger onClick={() => remove(f.name)}>{t('loyalty.remove')}</Button> : null) },
              ]} />
              {canEdit && fields.length < 10 && (
                <Button style={{ marginTop: 8 }} onClick={() => {
                  const tiers = (form.getFieldValue('tiers') ?? []) as ProgramDraft['tiers'];
                  add({ key: `tier${tiers.length + 1}`, name: '', minGrowth: (tiers.at(-1)?.minGrowth ?? 0) + 1000, benefits: { discountPct: 0, birthdayPoints: 0, freeShipping: false } });
                }}>{t('loyalty.tier.add')}</Button>
              )}
            </>
          )}
        </Form.List>

        <Divider orientation="left" plain>{t('loyalty.earn')}</Divider>
        <Row gutter={12}>
          <Col xs={12} md={6}><Form.Item name={['points', 'perYuan']} label={t('loyalty.points.perYuan')} rules={[required]}>{number(0, { step: 0.1 })}</Form.Item></Col>
          <Col xs={12} md={6}><Form.Item name={['points', 'pendingDays']} label={t('loyalty.points.pendingDays')} rules={[required]}>{whole()}</Form.Item></Col>
          <Col xs={12} md={6}>
            <Form.Item name={['points', 'expiry']} label={t('loyalty.points.expiry')} rules={[required]}>
              <Select options={[...new Set([...expiries, program.points.expiry])].map((e) => ({ value: e, label: (expiries as readonly string[]).includes(e) ? t(`loyalty.expiry.${e as (typeof expiries)[number]}`) : e }))} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}><Form.Item name={['points', 'signIn', 'daily']} label={t('loyalty.points.daily')} rules={[required]}>{whole()}</Form.Item></Col>
          <Col xs={12} md={6}><Form.Item name={['points', 'redeem', 'pointsPerYuan']} label={t('loyalty.points.pointsPerYuan')} rules={[required]}>{whole(1)}</Form.Item></Col>
          <Col xs={12} md={6}><Form.Item name={['points', 'redeem', 'maxShare']} label={t('loyalty.points.maxShare')} rules={[required]}>{number(0.01, { max: 1, step: 0.05 })}</Form.Item></Col>
        </Row>
        <Typography.Text strong>{t('loyalty.points.streak')}</Typography.Text>
        <Form.List name={['points', 'signIn', 'streak']}>
          {(fields, { add, remove }) => (
            <div style={{ marginTop: 8 }}>
              {fields.map((f) => (
                <Space key={f.key} align="baseline">
                  <Form.Item name={[f.name, 'days']} label={t('loyalty.streak.days')} rules={[required]}><InputNumber min={2} precision={0} /></Form.Item>
                  <Form.Item name={[f.name, 'points']} label={t('loyalty.streak.points')} rules={[required]}><InputNumber min={0} precision={0} /></Form.Item>
                  {canEdit && <Button type="link" danger onClick={() => remove(f.name)}>{t('loyalty.remove')}</Button>}
                </Space>
              ))}
              {canEdit && <div><Button size="small" onClick={() => add({ days: 7, points: 10 })}>{t('loyalty.streak.add')}</Button></div>}
            </div>
          )}
        </Form.List>
        {save.isError && !(save.error instanceof ApiError && save.error.field) && <div style={{ marginTop: 12 }}><ApiErrorAlert error={save.error} /></div>}
        {canEdit && <Button type="primary" htmlType="submit" loading={save.isPending} style={{ marginTop: 16 }} data-testid="loyalty-program-save">{t('loyalty.save')}</Button>}
      </Form>
    </Card>
  );
}
