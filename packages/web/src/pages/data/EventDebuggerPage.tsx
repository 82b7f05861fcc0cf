import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Space, Table, Tag, Typography } from 'antd';
import type { RecentEvents } from '@flywheel/contracts';
import { api, ApiError, queryString } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../api/session';
import { ReadOnlyNotice } from '../../components/ReadOnlyNotice';

export type RecentEvent = RecentEvents['events'][number];

const POLL_MS = 2000;
const KEEP = 500;

/** Newest first, each event once, at most KEEP of them. */
export function mergeEvents(arrived: RecentEvent[], shown: RecentEvent[]): RecentEvent[] {
  const seen = new Set<string>();
  return [...arrived, ...shown].filter((e) => (seen.has(e.messageId) ? false : (seen.add(e.messageId), true))).slice(0, KEEP);
}

/** Polls the server for what arrived since the last answer; a server without the endpoint (404) stops the polling. */
function useLiveEvents(paused: boolean) {
  const [events, setEvents] = useState<RecentEvent[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [unavailable, setUnavailable] = useState(false);
  const cursor = useRef<string | null>(null);

  useEffect(() => {
    if (paused || unavailable) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const answer = await api<RecentEvents>(`/v1/events/recent${queryString({ after: cursor.current, limit: 200 })}`);
        if (stopped) return;
        if (answer.cursor) cursor.current = answer.cursor;
        if (answer.events.length > 0) setEvents((shown) => mergeEvents(answer.events, shown));
        setError(null);
      } catch (e) {
        if (stopped) return;
        if (e instanceof ApiError && e.status === 404) { setUnavailable(true); return; }
        setError(e);
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => { stopped = true; clearTimeout(timer); };
  }, [paused, unavailable]);

  return { events, error, unavailable, clear: () => setEvents([]) };
}

export function EventDebuggerPage() {
  const { t, label } = useI18n();
  const format = useFormat();
  const { can } = useSession();
  const allowed = can('analyse');
  const [paused, setPaused] = useState(false);
  const { events, error, unavailable, clear } = useLiveEvents(paused || !allowed);

  if (!allowed) {
    return (
      <div data-testid="events-page">
        <PageHeader title={t('events.title')} />
        <ReadOnlyNotice needsAnalyst />
      </div>
    );
  }

  return (
    <div data-testid="events-page">
      <PageHeader
        title={t('events.title')}
        extra={!unavailable && (
          <Space>
            <Badge status={paused ? 'default' : 'processing'} text={paused ? t('events.paused') : t('events.live')} />
            <Button size="small" onClick={() => setPaused(!paused)}>{paused ? t('events.resume') : t('events.pause')}</Button>
            <Button size="small" onClick={clear}>{t('events.clear')}</Button>
          </Space>
        )}
      />
      <Typography.Paragraph type="secondary">{t('events.intro')}</Typography.Paragraph>
      {unavailable && <Alert type="warning" showIcon data-testid="events-unavailable" message={t('events.unavailable')} />}
      {error !== null && <ApiErrorAlert error={error} />}
      {!unavailable && (
        <Table
          size="small"
          rowKey="messageId"
          data-testid="events-table"
          dataSource={events}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          locale={{ emptyText: t('events.waiting') }}
          expandable={{ expandedRowRender: (e) => <pre style={{ margin: 0, fontSize: 12 }}>{JSON.stringify(e.properties, null, 2)}</pre> }}
          columns={[
            { title: t('events.received'), dataIndex: 'receivedAt', width: 180, render: (v: string) => format.timestamp(v) },
            { title: t('events.type'), dataIndex: 'type', width: 90, render: (v: string) => <Tag>{v}</Tag> },
            { title: t('events.event'), dataIndex: 'event', render: (v: string | null) => v ?? '—' },
            { title: t('events.visitor'), key: 'visitor', render: (_: unknown, e: RecentEvent) => e.userId ? <Tag color="blue">{e.userId}</Tag> : <Typography.Text type="secondary">{e.anonymousId}</Typography.Text> },
            { title: t('events.channel'), dataIndex: 'channel', render: (c: string | null) => (c ? label('channel', c) : '—') },
            { title: t('events.time'), dataIndex: 'timestamp', width: 180, render: (v: string) => format.timestamp(v) },
            { title: t('events.properties'), dataIndex: 'properties', ellipsis: true, render: (p: Record<string, unknown>) => <Typography.Text type="secondary" style={{ fontSize: 12 }}>{JSON.stringify(p)}</Typography.Text> },
          ]}
        />
      )}
    </div>
  );
}
