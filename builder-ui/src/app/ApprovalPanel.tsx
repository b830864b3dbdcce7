import { CheckOutlined, CloseOutlined, RollbackOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Input, Modal, Space, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { activityKey } from '../api/activity';
import { useMe } from '../api/auth';
import { useApprovalProcesses, useRecordApprovals, workApi, type Approval } from '../api/work';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import type { MessageKey } from '../i18n/messages';
import { pickLabel } from '../i18n/locale';

type Act = 'submit' | 'approve' | 'reject' | 'recall';

const statusColour: Record<string, string> = {
  pending: 'gold',
  approved: 'green',
  rejected: 'red',
  recalled: 'default',
};

/** The record's approval: submit, answer or recall with a comment, and the timeline of each run. */
export function ApprovalPanel({ object, id, people }: { object: string; id: string; people: Record<string, string> }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const me = useMe();
  const approvals = useRecordApprovals(object, id);
  const processes = useApprovalProcesses();
  const [acting, setActing] = useState<Act | null>(null);
  const [comment, setComment] = useState('');

  const items = [...(approvals.data ?? [])].sort((a, b) => b.submitted_at.localeCompare(a.submitted_at));
  const current: Approval | undefined = items[0];
  const pending = current?.status === 'pending' ? current : undefined;
  const process = processes.data?.find((p) => p.object === object);
  const nodeLabel = (node?: string) => {
    const n = process?.nodes?.find((x) => x.id === node);
    return n ? pickLabel(n.label, locale, n.id) : node;
  };

  const act = useMutation({
    mutationFn: (a: Act) =>
      a === 'submit' ? workApi.submit(object, id, comment) : workApi.act(pending!.id, a, comment),
    onSuccess: (_, a) => {
      message.success(t(`app.approval.done.${a}` as MessageKey));
      setActing(null);
      setComment('');
      void queryClient.invalidateQueries({ queryKey: ['approvals', object, id] });
      void queryClient.invalidateQueries({ queryKey: ['record', object, id] });
      void queryClient.invalidateQueries({ queryKey: ['history', object, id] });
      void queryClient.invalidateQueries({ queryKey: activityKey(object, id) });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
  });

  // Objects without an approval process show no panel at all.
  if (approvals.isPending || processes.isPending || (!process && items.length === 0)) return null;

  const mine = !!pending && !!me.data && (pending.state?.approvers ?? []).includes(me.data.id);
  const submitter = !!pending && pending.submitter === me.data?.id;

  return (
    <Card size="small" title={t('app.approval.title')}>
      <Flex vertical gap={12}>
        <Flex justify="space-between" align="center" wrap gap={8}>
          <Space wrap>
            <Typography.Text strong>
              {process ? pickLabel(process.label, locale, process.name) : current?.process}
            </Typography.Text>
            {current && (
              <Tag color={statusColour[current.status]} data-testid="approval-status">
                {t(`app.approval.status.${current.status}` as MessageKey) || current.status}
              </Tag>
            )}
            {pending?.state?.node && (
              <Typography.Text type="secondary">
                {t('app.approval.waitingAt', {
                  node: nodeLabel(pending.state.node) ?? '',
                  who: (pending.state.approvers ?? []).map((u) => people[u] ?? u).join(', '),
                })}
              </Typography.Text>
            )}
          </Space>
          <Space wrap>
            {/* An approved record is done; a rejected or recalled one may be submitted again. */}
            {!pending && process && current?.status !== 'approved' && (
              <Button type="primary" icon={<SendOutlined />} onClick={() => setActing('submit')}>
                {t('app.approval.submit')}
              </Button>
            )}
            {mine && (
              <>
                <Button type="primary" icon={<CheckOutlined />} onClick={() => setActing('approve')}>
                  {t('app.approval.approve')}
                </Button>
                <Button danger icon={<CloseOutlined />} onClick={() => setActing('reject')}>
                  {t('app.approval.reject')}
                </Button>
              </>
            )}
            {submitter && (
              <Button icon={<RollbackOutlined />} onClick={() => setActing('recall')}>
                {t('app.approval.recall')}
              </Button>
            )}
          </Space>
        </Flex>
        {items.length > 0 && (
          <Timeline
            items={items[0]!.timeline
              .slice()
              .reverse()
              .filter((e) => e.action !== 'action' && e.action !== 'routed')
              .map((e) => ({
                color: e.action === 'approved' ? 'green' : e.action === 'rejected' ? 'red' : 'blue',
                children: (
                  <div>
                    <Typography.Text strong>
                      {t(`app.approval.event.${e.action}` as MessageKey) || e.action}
                    </Typography.Text>
                    {e.node && <Typography.Text type="secondary"> · {nodeLabel(e.node)}</Typography.Text>}
                    <div>
                      <Typography.Text type="secondary">
                        {e.by ? `${people[e.by] ?? e.by} · ` : ''}
                        {dayjs(e.at).format('lll')}
                      </Typography.Text>
                    </div>
                    {e.comment && <Typography.Paragraph style={{ margin: 0 }}>“{e.comment}”</Typography.Paragraph>}
                  </div>
                ),
              }))}
          />
        )}
        <Modal
          open={acting !== null}
          title={acting ? t(`app.approval.${acting}` as MessageKey) : ''}
          okText={acting ? t(`app.approval.${acting}` as MessageKey) : ''}
          okButtonProps={{ danger: acting === 'reject', loading: act.isPending }}
          cancelText={t('app.form.cancel')}
          onOk={() => acting && act.mutate(acting)}
          onCancel={() => {
            setActing(null);
            act.reset();
          }}
          destroyOnHidden
        >
          {act.isError && (
            <Alert type="error" showIcon message={errorText(act.error, t)} style={{ marginBottom: 12 }} />
          )}
          <Input.TextArea
            aria-label={t('app.approval.comment')}
            placeholder={t('app.approval.comment')}
            autoSize={{ minRows: 3 }}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            maxLength={4000}
          />
        </Modal>
      </Flex>
    </Card>
  );
}
