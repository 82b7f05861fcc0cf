import { Alert } from 'antd';
import { useCurrentSession } from '../api/session';
import { useI18n } from '../i18n/i18n';

/**
 * Tells a viewer (or analyst) why there are no edit buttons on a page; `needsAnalyst`, why a page that
 * shows people (raw events, person lists) is empty for a viewer.
 */
export function ReadOnlyNotice({ needsAdmin = false, needsAnalyst = false }: { needsAdmin?: boolean; needsAnalyst?: boolean }) {
  const { t, label } = useI18n();
  const session = useCurrentSession();
  return (
    <Alert
      type="info"
      showIcon
      data-testid="read-only"
      style={{ marginBottom: 16 }}
      message={needsAnalyst ? t('app.needsAnalyst') : needsAdmin ? t('app.needsAdmin') : t('app.readOnly', { role: label('role', session.role) })}
    />
  );
}
