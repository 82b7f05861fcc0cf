import { Alert, Button } from 'antd';
import { ApiError } from '../api/client';
import { hasMessage, useI18n, type Translate } from '../i18n/i18n';

/** The API's `{code, message, field}` in the user's language: a localised headline, the server's detail below. */
export function describeError(error: unknown, t: Translate): { title: string; detail?: string } {
  if (!(error instanceof ApiError)) return { title: t('error.title'), detail: error instanceof Error ? error.message : String(error) };
  if (error.code === 'network') return { title: t('error.network') };
  const key = `error.${error.code}`;
  const title = hasMessage(key) ? t(key, { field: error.field ?? '', status: error.status }) : t('error.unknown', { status: error.status });
  return { title, detail: error.message ? t('error.detail', { message: error.message }) : undefined };
}

export function ApiErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const { title, detail } = describeError(error, t);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="api-error"
      message={title}
      description={detail}
      action={onRetry ? <Button size="small" onClick={onRetry}>{t('app.retry')}</Button> : undefined}
    />
  );
}
