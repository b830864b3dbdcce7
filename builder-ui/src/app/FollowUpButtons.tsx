import { EnvironmentOutlined, FileTextOutlined, PhoneOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api/client';
import type { FormDescriptor } from '../api/forms';
import type { ObjectDef } from '../api/objects';
import { recordsApi, type RecordData } from '../api/records';
import { activityKey } from '../api/activity';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import type { MessageKey } from '../i18n/messages';
import { recordTitle } from './meta';

/** The object follow-ups are logged in (the default template's). */
export const followUpObject = 'follow_up';

const kinds = [
  { kind: 'call', icon: <PhoneOutlined />, button: 'app.followup.call', title: 'app.followup.logCall' },
  { kind: 'visit', icon: <EnvironmentOutlined />, button: 'app.followup.visit', title: 'app.followup.logVisit' },
  { kind: 'note', icon: <FileTextOutlined />, button: 'app.followup.note', title: 'app.followup.logNote' },
] as const;

/**
 * Call / Visit / Note on a record page: a short form whose follow-up points at this record (and
 * at the records this one points at that follow-ups also link, such as a contact's account),
 * saved through the normal create. Shown when follow-ups exist, can point at this object and
 * the user may read them.
 */
export function FollowUpButtons({
  objects,
  object,
  record,
}: {
  objects: ObjectDef[] | undefined;
  object: string;
  record: RecordData;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const fu = objects?.find((o) => o.name === followUpObject);
  const parent = objects?.find((o) => o.name === object);
  const lookup = fu?.fields.find((f) => f.type === 'lookup' && f.target === object)?.name;
  // The form of follow-ups (labels, outcomes), as useForm reads it, once they can point here.
  const form = useQuery({
    queryKey: ['forms', followUpObject],
    enabled: !!fu && !!lookup,
    queryFn: ({ signal }) => api.get<FormDescriptor>(`/api/forms/${followUpObject}`, { signal }),
    staleTime: 5 * 60_000,
    retry: false,
  });
  const [open, setOpen] = useState<(typeof kinds)[number] | null>(null);
  const [values] = Form.useForm<{ subject: string; notes?: string; outcome?: string }>();
  const save = useMutation({
    mutationFn: (v: { subject: string; notes?: string; outcome?: string }) => {
      const links: Record<string, unknown> = { [lookup!]: record.id };
      // The follow-up also counts for the records this one belongs to (a contact's account).
      for (const f of fu!.fields) {
        const mine = parent?.fields.find((p) => p.name === f.name);
        if (f.type === 'lookup' && f.name !== lookup && mine?.type === 'lookup' && mine.target === f.target) {
          if (typeof record[f.name] === 'string' && record[f.name]) links[f.name] = record[f.name];
        }
      }
      return recordsApi.create(followUpObject, { kind: open!.kind, ...v, ...links });
    },
    onSuccess: () => {
      void message.success(t('app.followup.saved'));
      setOpen(null);
      values.resetFields();
      void qc.invalidateQueries({ queryKey: activityKey(object, record.id) });
      void qc.invalidateQueries({ queryKey: ['record', object, record.id] });
      void qc.invalidateQueries({ queryKey: ['records', followUpObject] });
    },
  });
  if (!fu || !lookup || !form.data) return null;
  const outcome = form.data.fields.find((f) => f.name === 'outcome');
  const has = (n: string) => form.data.fields.some((f) => f.name === n);
  return (
    <>
      <Space.Compact>
        {kinds.map((k) => (
          <Button
            key={k.kind}
            icon={k.icon}
            data-testid={`log-${k.kind}`}
            onClick={() => {
              save.reset();
              setOpen(k);
            }}
          >
            {t(k.button as MessageKey)}
          </Button>
        ))}
      </Space.Compact>
      <Modal
        open={!!open}
        title={open ? t(open.title) : ''}
        okText={t('app.followup.save')}
        confirmLoading={save.isPending}
        onOk={() =>
          void values.validateFields().then(
            (v) => save.mutate(v),
            () => undefined, // the form shows what is missing
          )
        }
        onCancel={() => setOpen(null)}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary" data-testid="followup-parent">
          {t('app.followup.on')}: <Typography.Text strong>{recordTitle(parent, record)}</Typography.Text>
        </Typography.Paragraph>
        <Form form={values} layout="vertical" preserve={false}>
          <Form.Item
            name="subject"
            label={t('app.followup.subject')}
            rules={[{ required: true, whitespace: true, message: t('app.followup.subjectRequired') }]}
          >
            <Input autoFocus maxLength={200} data-testid="followup-subject" />
          </Form.Item>
          {outcome && open?.kind !== 'note' && (
            <Form.Item name="outcome" label={outcome.label}>
              <Select
                allowClear
                data-testid="followup-outcome"
                options={(outcome.options ?? []).map((o) => ({ value: o.value, label: o.label }))}
              />
            </Form.Item>
          )}
          {has('notes') && (
            <Form.Item name="notes" label={t('app.followup.notes')}>
              <Input.TextArea rows={3} maxLength={5000} data-testid="followup-notes" />
            </Form.Item>
          )}
        </Form>
        {save.isError && <Alert type="error" showIcon message={errorText(save.error, t)} />}
      </Modal>
    </>
  );
}
