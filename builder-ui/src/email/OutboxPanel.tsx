import { ReloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Select, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { ApiError } from '../api/client';
import { retryEmail, useEmails, type OutboxEmail } from '../api/email';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';

const statuses = ['pending', 'sending', 'failed', 'sent', 'dead', 'uncertain'] as const;
const colors: Record<OutboxEmail['status'], string> = {
  pending: 'blue',
  sending: 'processing',
  failed: 'orange',
  sent: 'green',
  dead: 'red',
  uncertain: 'gold',
};

/** Every email the outbox holds, newest first (admins); a dead or uncertain one can be retried. */
export function OutboxPanel() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [status, setStatus] = useState('');
  const emails = useEmails(status);
  const retry = async (id: string) => {
    try {
      await retryEmail(id);
      void message.success(t('email.out.retried'));
      await qc.invalidateQueries({ queryKey: ['emails'] });
    } catch (e) {
      void message.error(errorText(e, t));
    }
  };
  // Emails hold the values of their records: the outbox is for admins only.
  if (emails.error instanceof ApiError && emails.error.status === 403)
    return <Alert type="info" showIcon message={t('email.out.adminsOnly')} />;
  return (
    <>
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('email.out.status')}
          style={{ minWidth: 180 }}
          value={status}
          onChange={setStatus}
          options={[
            { value: '', label: t('email.out.all') },
            ...statuses.map((s) => ({ value: s, label: t(`email.status.${s}`) })),
          ]}
        />
        <Button icon={<ReloadOutlined />} onClick={() => void emails.refetch()}>
          {t('email.out.refresh')}
        </Button>
      </Flex>
      {emails.isError && <Alert type="error" showIcon message={errorText(emails.error, t)} />}
      <Table<OutboxEmail>
        rowKey="id"
        size="small"
        loading={emails.isPending}
        dataSource={emails.data ?? []}
        scroll={{ x: 720 }}
        locale={{ emptyText: t('email.out.empty') }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: t('email.out.status'),
            dataIndex: 'status',
            render: (s: OutboxEmail['status']) => (
              <Tooltip title={s === 'uncertain' ? t('email.out.uncertainHelp') : undefined}>
                <Tag color={colors[s]}>{t(`email.status.${s}`)}</Tag>
              </Tooltip>
            ),
          },
          { title: t('email.out.subject'), dataIndex: 'subject', ellipsis: true },
          { title: t('email.out.to'), dataIndex: 'to', render: (to: string[]) => to.join(', '), ellipsis: true },
          {
            title: t('email.out.attempts'),
            render: (_, r) => `${r.attempts} / ${r.max_attempts}`,
          },
          { title: t('email.out.created'), dataIndex: 'created_at', render: (v: string) => dayjs(v).format('lll') },
          {
            title: t('email.out.error'),
            dataIndex: 'last_error',
            render: (v?: string) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : null),
          },
          {
            key: 'retry',
            render: (_, r) =>
              r.status === 'dead' || r.status === 'uncertain' ? (
                <Button size="small" onClick={() => void retry(r.id)}>
                  {t('email.out.retry')}
                </Button>
              ) : null,
          },
        ]}
      />
    </>
  );
}
