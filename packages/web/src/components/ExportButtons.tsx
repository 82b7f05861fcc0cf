import { useState } from 'react';
import { App, Button, Space } from 'antd';
import { downloadCsv, downloadXlsx, type ExportTable } from '../format/table-export';
import { useI18n } from '../i18n/i18n';

export function ExportButtons({ table }: { table: () => ExportTable }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const xlsx = async () => {
    setBusy(true);
    try { await downloadXlsx(table()); } catch (e) { message.error((e as Error).message); } finally { setBusy(false); }
  };
  return (
    <Space>
      <Button size="small" data-testid="export-csv" onClick={() => downloadCsv(table())}>{t('explorer.exportCsv')}</Button>
      <Button size="small" loading={busy} onClick={xlsx}>{t('explorer.exportXlsx')}</Button>
    </Space>
  );
}
