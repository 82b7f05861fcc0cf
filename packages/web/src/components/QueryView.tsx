import type { ReactNode } from 'react';
import { Empty, Skeleton } from 'antd';
import type { UseQueryResult } from '@tanstack/react-query';
import { useI18n } from '../i18n/i18n';
import { ApiErrorAlert } from './ApiErrorAlert';

interface QueryViewProps<T> {
  query: UseQueryResult<T>;
  /** When the answer has nothing to show. */
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
  rows?: number;
}

/** Loading, error and empty states of one API call, the same on every page. */
export function QueryView<T>({ query, isEmpty, children, rows = 4 }: QueryViewProps<T>) {
  const { t } = useI18n();
  if (query.isPending) return <Skeleton active paragraph={{ rows }} />;
  if (query.isError) return <ApiErrorAlert error={query.error} onRetry={() => query.refetch()} />;
  if (isEmpty?.(query.data)) return <Empty description={t('app.empty')} />;
  return <>{children(query.data)}</>;
}
