import { CheckOutlined, CloseOutlined, InboxOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Flex, Input, List, Modal, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { useForm } from '../api/forms';
import { useObjects } from '../api/objects';
import { FieldValue } from '../fields/registry';
import { textOf } from '../fields/text';
import { useApprovalProcesses, useInbox, workApi, type ApprovalTask } from '../api/work';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { pickLabel } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';
import { useLookupNames, usePeopleById } from './meta';

/** What the approver decides on: the record's amounts and the submitter's comment. */
function TaskFacts({ task }: { task: ApprovalTask }) {
  const { t } = useI18n();
  const form = useForm(task.object);
  const amounts = Object.entries(task.amounts ?? {});
  return (
    <>
      {amounts.length > 0 && (
        <Space wrap size={12}>
          {amounts.map(([name, value]) => {
            const f = form.data?.fields.find((x) => x.name === name);
            return (
              <span key={name} data-testid="inbox-amount">
                <Typography.Text type="secondary">{f?.label ?? name}: </Typography.Text>
                {f ? <FieldValue field={f} value={value} /> : textOf(value)}
              </span>
            );
          })}
        </Space>
      )}
      {task.comment && (
        <Typography.Text data-testid="inbox-comment" style={{ whiteSpace: 'pre-wrap' }}>
          {t('app.inbox.comment', { comment: task.comment })}
        </Typography.Text>
      )}
    </>
  );
}

function RecordName({ task }: { task: ApprovalTask }) {
  const names = useLookupNames(task.object, [task.record]);
  return <Link to={`/app/${task.object}/${task.record}`}>{names.data?.[task.record] ?? task.record}</Link>;
}

/** The approval tasks waiting for me, answered here with a comment. */
export default function InboxPage() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const inbox = useInbox();
  const objects = useObjects();
  const processes = useApprovalProcesses();
  const people = usePeopleById();
  const [acting, setActing] = useState<{ task: ApprovalTask; action: 'approve' | 'reject' } | null>(null);
  const [comment, setComment] = useState('');

  const act = useMutation({
    mutationFn: () => workApi.act(acting!.task.approval, acting!.action, comment),
    onSuccess: () => {
      message.success(t(acting!.action === 'approve' ? 'app.approval.done.approve' : 'app.approval.done.reject'));
      setActing(null);
      setComment('');
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
      void queryClient.invalidateQueries({ queryKey: ['approvals'] });
      void queryClient.invalidateQueries({ queryKey: ['notifications'] });
    },
  });

  const objectLabel = (o: string) => pickLabel(objects.data?.find((x) => x.name === o)?.label, locale, o);
  const process = (task: ApprovalTask) => processes.data?.find((p) => p.name === task.process);
  const nodeLabel = (task: ApprovalTask) => {
    const n = process(task)?.nodes?.find((x) => x.id === task.node);
    return n ? pickLabel(n.label, locale, n.id) : task.node;
  };

  return (
    <>
      <PageHeader title={t('app.inbox.title')} subtitle={t('app.inbox.subtitle')} />
      {inbox.isError && (
        <Alert type="error" showIcon message={errorText(inbox.error, t)} style={{ marginBottom: 16 }} />
      )}
      <Card styles={{ body: { padding: 0 } }}>
        <List
          loading={inbox.isPending}
          dataSource={inbox.data ?? []}
          locale={{
            emptyText: (
              <Empty
                image={<InboxOutlined style={{ fontSize: 48, color: '#bbb' }} />}
                description={t('app.inbox.empty')}
              />
            ),
          }}
          renderItem={(task) => (
            <List.Item data-testid="inbox-item" style={{ paddingInline: 16 }}>
              <Flex wrap gap={12} justify="space-between" align="center" style={{ width: '100%' }}>
                <List.Item.Meta
                  style={{ flex: '1 1 260px', minWidth: 0 }}
                  title={
                    <Space wrap size={6}>
                      <Tag>{objectLabel(task.object)}</Tag>
                      <RecordName task={task} />
                    </Space>
                  }
                  description={
                    <Flex vertical gap={2}>
                      <span>
                        {pickLabel(process(task)?.label, locale, task.process)} · {nodeLabel(task)}
                      </span>
                      <TaskFacts task={task} />
                      <Typography.Text type="secondary">
                        {t('app.inbox.submittedBy', {
                          who: people[task.submitter] ?? task.submitter,
                          at: dayjs(task.created_at).format('lll'),
                        })}
                      </Typography.Text>
                    </Flex>
                  }
                />
                <Space>
                  <Button
                    type="primary"
                    icon={<CheckOutlined />}
                    onClick={() => setActing({ task, action: 'approve' })}
                  >
                    {t('app.approval.approve')}
                  </Button>
                  <Button danger icon={<CloseOutlined />} onClick={() => setActing({ task, action: 'reject' })}>
                    {t('app.approval.reject')}
                  </Button>
                </Space>
              </Flex>
            </List.Item>
          )}
        />
      </Card>
      <Modal
        open={acting !== null}
        title={acting ? t(acting.action === 'approve' ? 'app.approval.approve' : 'app.approval.reject') : ''}
        okText={acting ? t(acting.action === 'approve' ? 'app.approval.approve' : 'app.approval.reject') : ''}
        okButtonProps={{ danger: acting?.action === 'reject', loading: act.isPending }}
        cancelText={t('app.form.cancel')}
        onOk={() => act.mutate()}
        onCancel={() => {
          setActing(null);
          act.reset();
        }}
        destroyOnHidden
      >
        {act.isError && <Alert type="error" showIcon message={errorText(act.error, t)} style={{ marginBottom: 12 }} />}
        <Input.TextArea
          aria-label={t('app.approval.comment')}
          placeholder={t('app.approval.comment')}
          autoSize={{ minRows: 3 }}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          maxLength={4000}
        />
      </Modal>
    </>
  );
}
