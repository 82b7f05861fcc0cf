import { useState } from 'react';
import { Alert, Button, Card, Progress, Radio, Select, Space, Table, Typography, Upload } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { importEntities, type ImportEntity, type ImportResult, type RejectedRecord } from '@flywheel/contracts';
import { uploadFile } from '../../api/client';
import { useCurrentSession, useSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { download } from '../../format/table-export';
import { useI18n } from '../../i18n/i18n';

type Money = 'minor' | 'major';
type Stage = { kind: 'idle' } | { kind: 'uploading'; fraction: number; fileName: string } | { kind: 'processing'; fileName: string } | { kind: 'done'; fileName: string; result: ImportResult } | { kind: 'failed'; error: unknown };

/** The rows the server refused, with the file's line number, the field and the reason. */
function RejectedRows({ rows }: { rows: RejectedRecord[] }) {
  const { t } = useI18n();
  return (
    <Table
      size="small"
      rowKey={(r) => `${r.index}-${r.field ?? ''}`}
      data-testid="import-errors"
      dataSource={rows}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      columns={[
        { title: t('import.line'), dataIndex: 'line', width: 80, render: (line: number | undefined, r) => line ?? r.index + 1 },
        { title: t('import.field'), dataIndex: 'field', width: 180, render: (f?: string) => (f ? <Typography.Text code>{f}</Typography.Text> : '—') },
        { title: t('import.code'), dataIndex: 'code', width: 160 },
        { title: t('import.message'), dataIndex: 'message' },
      ]}
    />
  );
}

function ImportOutcome({ fileName, result }: { fileName: string; result: ImportResult }) {
  const { t } = useI18n();
  const rejected = result.rejected.length;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="import-result">
      <Alert
        showIcon
        type={rejected === 0 ? 'success' : result.accepted > 0 ? 'warning' : 'error'}
        message={rejected === 0 ? t('import.allGood', { accepted: result.accepted }) : t('import.result', { accepted: result.accepted, rejected })}
        action={rejected > 0 && result.errorReport ? (
          <Button size="small" onClick={() => download(new Blob([`\uFEFF${result.errorReport}`], { type: 'text/csv;charset=utf-8' }), `${fileName}.errors.csv`)}>{t('import.downloadReport')}</Button>
        ) : undefined}
      />
      {rejected > 0 && <RejectedRows rows={result.rejected} />}
    </Space>
  );
}

export function ImportPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { shopId } = useCurrentSession();
  const queryClient = useQueryClient();
  const [entity, setEntity] = useState<ImportEntity>('orders');
  const [money, setMoney] = useState<Money>('major');
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const busy = stage.kind === 'uploading' || stage.kind === 'processing';

  const upload = async (file: File) => {
    setStage({ kind: 'uploading', fraction: 0, fileName: file.name });
    try {
      const path = `/v1/import/${entity}${entity === 'events' ? '' : `?money=${money}`}`;
      const result = await uploadFile<ImportResult>(path, file, (fraction) => setStage(fraction < 1 ? { kind: 'uploading', fraction, fileName: file.name } : { kind: 'processing', fileName: file.name }));
      setStage({ kind: 'done', fileName: file.name, result });
      // New data: every figure on other pages may have changed.
      void queryClient.invalidateQueries({ queryKey: [shopId] });
    } catch (error) {
      setStage({ kind: 'failed', error });
    }
  };

  return (
    <div data-testid="import-page">
      <PageHeader title={t('import.title')} />
      {!can('write') ? <ReadOnlyNotice /> : (
        <Card size="small" style={{ marginBottom: 12 }}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <Typography.Text>{t('import.entity')}</Typography.Text>
              <Select<ImportEntity> data-testid="import-entity" style={{ width: 200 }} value={entity} onChange={setEntity} options={importEntities.map((e) => ({ value: e, label: t(`import.entity.${e}`) }))} />
              {entity !== 'events' && (
                <>
                  <Typography.Text>{t('import.money')}</Typography.Text>
                  <Radio.Group value={money} onChange={(e) => setMoney(e.target.value)} options={[{ value: 'major', label: t('import.money.major') }, { value: 'minor', label: t('import.money.minor') }]} />
                </>
              )}
            </Space>
            <Upload.Dragger
              accept=".csv,.xlsx,.ndjson,.jsonl,.json,.txt"
              multiple={false}
              showUploadList={false}
              disabled={busy}
              beforeUpload={(file) => { void upload(file); return false; }}
            >
              <p style={{ fontSize: 16, margin: '8px 0' }}>{t('import.drop')}</p>
              <p style={{ color: '#888' }}>{t('import.formats')}</p>
            </Upload.Dragger>
          </Space>
        </Card>
      )}
      {stage.kind === 'uploading' && <Progress percent={Math.round(stage.fraction * 100)} format={(p) => t('import.uploading', { percent: p ?? 0 })} />}
      {stage.kind === 'processing' && <Progress percent={100} status="active" format={() => t('import.processing')} />}
      {stage.kind === 'failed' && <ApiErrorAlert error={stage.error} />}
      {stage.kind === 'done' && <ImportOutcome fileName={stage.fileName} result={stage.result} />}
    </div>
  );
}
