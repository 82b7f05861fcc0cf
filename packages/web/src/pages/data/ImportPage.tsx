import { useState } from 'react';
import { Alert, Button, Card, Progress, Radio, Select, Space, Table, Typography, Upload } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { importEntities, importFieldName, importProblemText, type ImportEntity, type ImportRejection, type ImportResult, type MoneyUnit } from '@flywheel/contracts';
import { ApiError, uploadFile } from '../../api/client';
import { useCurrentSession, useSession } from '../../api/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';
import { download } from '../../format/table-export';
import { useI18n } from '../../i18n/i18n';

/** `auto`: the file says (a decimal point or ¥ in a money column is 元), the server's one rule, as `flywheel import` without --money. */
type Money = 'auto' | MoneyUnit;
type Stage =
  | { kind: 'idle' }
  | { kind: 'uploading'; fraction: number; fileName: string }
  | { kind: 'processing'; fileName: string }
  | { kind: 'done'; fileName: string; result: ImportResult }
  | { kind: 'money'; file: File; asked: Money; reason: string }
  | { kind: 'failed'; error: unknown };

/** The rows the server refused: the file's line, its column and value as written, and why, in the reader's language. */
function RejectedRows({ rows }: { rows: ImportRejection[] }) {
  const { t, lang } = useI18n();
  const columnOf = (r: ImportRejection) => r.column ?? (r.field ? importFieldName(String(r.problem.values.entity ?? ''), r.field, lang) : '—');
  return (
    <Table
      size="small"
      rowKey={(r) => `${r.line ?? r.index}-${r.field ?? ''}`}
      data-testid="import-errors"
      dataSource={rows}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      columns={[
        { title: t('import.line'), dataIndex: 'line', width: 80, render: (line: number | undefined, r) => line ?? r.index + 1 },
        { title: t('import.column'), key: 'column', width: 160, render: (_, r) => columnOf(r) },
        { title: t('import.value'), dataIndex: 'value', width: 180, render: (v?: string) => v ?? '—' },
        { title: t('import.message'), key: 'reason', render: (_, r) => importProblemText(lang, r.problem) },
      ]}
    />
  );
}

function ImportOutcome({ fileName, result }: { fileName: string; result: ImportResult }) {
  const { t } = useI18n();
  const rejected = result.rejected.length;
  const counts = { total: result.rows.total, acceptedRows: result.rows.accepted, rejectedRows: result.rows.rejected, accepted: result.accepted };
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="import-result">
      <Alert
        showIcon
        type={rejected === 0 ? 'success' : result.accepted > 0 ? 'warning' : 'error'}
        message={rejected === 0 ? t('import.allGood', counts) : t('import.result', counts)}
        description={result.moneyUnit ? t('import.money.used', { unit: t(`import.money.unit.${result.moneyUnit}`) }) : undefined}
        action={rejected > 0 && result.errorReport ? (
          // The report is the file as saved: UTF-8 with its BOM already, for Excel on Windows.
          <Button size="small" onClick={() => download(new Blob([result.errorReport], { type: 'text/csv;charset=utf-8' }), `${fileName}.errors.csv`)}>{t('import.downloadReport')}</Button>
        ) : undefined}
      />
      {rejected > 0 && <RejectedRows rows={result.rejected} />}
    </Space>
  );
}

/** The server could not read the money as asked: its reason (in the reader's language), and the choices that would. */
function MoneyQuestion({ asked, reason, onChoose }: { asked: Money; reason: string; onChoose: (money: Money) => void }) {
  const { t } = useI18n();
  const choices: Money[] = asked === 'auto' ? ['major', 'minor'] : ['auto'];
  const label = (m: Money) => (m === 'major' ? t('import.money.asMajor') : m === 'minor' ? t('import.money.asMinor') : t('import.money.asFile'));
  return (
    <Alert
      showIcon
      type="warning"
      data-testid="import-money-question"
      message={asked === 'auto' ? t('import.money.ambiguous') : t('import.money.conflict')}
      description={(
        <Space direction="vertical">
          <span>{reason}</span>
          <Space wrap>{choices.map((m) => <Button key={m} data-testid={`import-money-${m}`} onClick={() => onChoose(m)}>{label(m)}</Button>)}</Space>
        </Space>
      )}
    />
  );
}

export function ImportPage() {
  const { t, lang } = useI18n();
  const { can } = useSession();
  const { shopId } = useCurrentSession();
  const queryClient = useQueryClient();
  const [entity, setEntity] = useState<ImportEntity>('orders');
  const [money, setMoney] = useState<Money>('auto');
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const busy = stage.kind === 'uploading' || stage.kind === 'processing';

  const upload = async (file: File, unit: Money = money) => {
    setStage({ kind: 'uploading', fraction: 0, fileName: file.name });
    try {
      const query = new URLSearchParams({ lang, ...(entity !== 'events' && unit !== 'auto' ? { money: unit } : {}) });
      const result = await uploadFile<ImportResult>(`/v1/import/${entity}?${query}`, file, (fraction) => setStage(fraction < 1 ? { kind: 'uploading', fraction, fileName: file.name } : { kind: 'processing', fileName: file.name }));
      setStage({ kind: 'done', fileName: file.name, result });
      // New data: every figure on other pages may have changed.
      void queryClient.invalidateQueries({ queryKey: [shopId] });
    } catch (error) {
      // The file's money is whole numbers (元 or 分?) or contradicts the unit chosen: ask, then send it again.
      if (error instanceof ApiError && error.field === 'money') setStage({ kind: 'money', file, asked: unit, reason: error.message.replace(/^money: /, '') });
      else setStage({ kind: 'failed', error });
    }
  };
  const answer = (file: File) => (unit: Money) => { setMoney(unit); void upload(file, unit); };

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
                  <Radio.Group data-testid="import-money" value={money} onChange={(e) => setMoney(e.target.value)} options={[{ value: 'auto', label: t('import.money.auto') }, { value: 'major', label: t('import.money.major') }, { value: 'minor', label: t('import.money.minor') }]} />
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
      {stage.kind === 'money' && <MoneyQuestion asked={stage.asked} reason={stage.reason} onChoose={answer(stage.file)} />}
      {stage.kind === 'done' && <ImportOutcome fileName={stage.fileName} result={stage.result} />}
    </div>
  );
}
