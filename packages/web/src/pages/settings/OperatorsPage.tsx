import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Select, Table, Tag, Typography } from 'antd';
import { roles, type InvitationCreated, type Operator, type Role } from '@flywheel/contracts';
import { api } from '../../api/client';
import { useCurrentSession, useSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { useI18n } from '../../i18n/i18n';

interface NewOperator { email: string; name?: string; role: Role }

function AddOperatorForm() {
  const { t, label } = useI18n();
  const { shopId } = useCurrentSession();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<NewOperator>();
  const add = useMutation({
    mutationFn: (body: NewOperator) => api<InvitationCreated>('/v1/operators', { method: 'POST', body }),
    onSuccess: () => {
      message.success(t('settings.inviteSent'));
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: [shopId, 'operators'] });
    },
  });
  return (
    <Form form={form} layout="inline" onFinish={(v) => add.mutate(v)} initialValues={{ role: 'analyst' }}>
      <Form.Item name="email" label={t('settings.operatorEmail')} rules={[{ required: true, type: 'email' }]}><Input style={{ width: 200 }} /></Form.Item>
      <Form.Item name="name" label={t('settings.operatorName')}><Input style={{ width: 120 }} /></Form.Item>
      <Form.Item name="role" label={t('settings.operatorRole')}>
        <Select<Role> style={{ width: 110 }} options={roles.map((r) => ({ value: r, label: label('role', r) }))} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={add.isPending}>{t('settings.addOperator')}</Button>
      {add.isError && <div style={{ width: '100%', marginTop: 8 }}><ApiErrorAlert error={add.error} /></div>}
      {add.data && (
        <div style={{ width: '100%', marginTop: 8 }} data-testid="invitation-link">
          <Typography.Text>{t('settings.inviteLink', { email: add.data.email })}</Typography.Text>
          <Typography.Paragraph copyable code style={{ marginBottom: 0 }}>{`${window.location.origin}${add.data.acceptPath}`}</Typography.Paragraph>
        </div>
      )}
    </Form>
  );
}

export function OperatorsPage() {
  const { t, label } = useI18n();
  const { can } = useSession();
  const { shopId } = useCurrentSession();
  const isAdmin = can('admin');
  const query = useQuery({ queryKey: [shopId, 'operators'], queryFn: () => api<Operator[]>('/v1/operators'), enabled: isAdmin });
  return (
    <div data-testid="operators-page">
      <PageHeader title={t('settings.operators')} />
      <Typography.Paragraph type="secondary">{t('settings.roleHelp')}</Typography.Paragraph>
      {!isAdmin ? <ReadOnlyNotice needsAdmin /> : (
        <>
          <Card size="small" style={{ marginBottom: 12 }}><AddOperatorForm /></Card>
          <QueryView query={query}>
            {(operators) => (
              <Table size="small" rowKey="id" pagination={false} dataSource={operators} columns={[
                { title: t('settings.operatorEmail'), dataIndex: 'email' },
                { title: t('settings.operatorName'), dataIndex: 'name' },
                { title: t('settings.operatorRole'), dataIndex: 'role', render: (r: Role) => <Tag color={r === 'owner' ? 'gold' : r === 'viewer' ? 'default' : 'blue'}>{label('role', r)}</Tag> },
              ]} />
            )}
          </QueryView>
        </>
      )}
    </div>
  );
}
