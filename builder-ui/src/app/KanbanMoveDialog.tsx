import { useQuery } from '@tanstack/react-query';
import { Alert, Flex, Form, Modal, Spin, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api/client';
import { evaluateForm, type FormDescriptor, type FormField, type FormOption } from '../api/forms';
import type { RecordData } from '../api/records';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { FieldInput } from '../fields/registry';
import { patchRecord } from './patchRecord';

type Values = Record<string, unknown>;

const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** A move into a closed column, and the values the dialog filled in with it. */
export interface ClosedMove {
  saved: RecordData;
  filled: string[];
}

/**
 * Confirms a move into a closed column (won, lost, done) before anything is written. The server
 * says, for the record with the new value, which fields become required (POST .../evaluate); those
 * still empty are asked here with the form's own inputs, and the value and them are saved in one
 * PATCH. The server's field errors land on their fields (a field the dialog did not ask yet is
 * added); Cancel writes nothing.
 */
export function KanbanMoveDialog({
  object,
  form,
  field,
  record,
  to,
  title,
  onCancel,
  onMoved,
}: {
  object: string;
  form: FormDescriptor;
  field: FormField;
  record: RecordData;
  to: FormOption;
  title: string;
  onCancel: () => void;
  onMoved: (m: ClosedMove) => void;
}) {
  const { t } = useI18n();
  const [values, setValues] = useState<Values>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [added, setAdded] = useState<string[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const evaluation = useQuery({
    queryKey: ['kanban-evaluate', object, record.id, record.version, field.name, to.value],
    queryFn: ({ signal }) => evaluateForm(object, { [field.name]: to.value }, record.id, signal),
    retry: false,
    gcTime: 0,
  });
  const states = evaluation.data?.fields ?? {};
  const editable = (f: FormField) => {
    const s = states[f.name];
    return f.name !== field.name && !(s?.read_only ?? f.read_only) && f.type !== 'formula' && f.type !== 'autonumber';
  };
  const required = (f: FormField) => {
    const s = states[f.name];
    return !!s && s.visible && s.required;
  };
  // What the new stage requires and the record lacks, then whatever the server refused since.
  const asked = form.fields.filter(
    (f) => editable(f) && ((required(f) && empty(record[f.name])) || added.includes(f.name)),
  );

  const change = (name: string, v: unknown) => {
    setValues((old) => ({ ...old, [name]: v }));
    setErrors((old) => {
      const { [name]: _, ...rest } = old;
      void _;
      return rest;
    });
  };

  const confirm = async () => {
    const missing = asked.filter((f) => required(f) && empty(values[f.name] ?? record[f.name]));
    if (missing.length > 0) {
      setErrors(Object.fromEntries(missing.map((f) => [f.name, t('app.valid.required')])));
      return;
    }
    const filled = asked.filter((f) => f.name in values).map((f) => f.name);
    const patch: Values = { [field.name]: to.value };
    for (const n of filled) patch[n] = empty(values[n]) ? null : values[n];
    setSaving(true);
    setFailure(null);
    try {
      const saved = await patchRecord(object, record, patch);
      onMoved({ saved, filled });
    } catch (e) {
      setSaving(false);
      if (!(e instanceof ApiError) || e.fields.length === 0) {
        setFailure(e);
        return;
      }
      const byName = new Map(form.fields.map((f) => [f.name, f]));
      const here = e.fields.filter((x) => {
        const f = byName.get(x.field);
        return !!f && editable(f);
      });
      setErrors(Object.fromEntries(here.map((x) => [x.field, x.message])));
      setAdded((old) => [...new Set([...old, ...here.map((x) => x.field)])]);
      // What cannot be fixed here (the stage itself, a field the form does not offer) is said above.
      setFailure(here.length < e.fields.length ? e : null);
    }
  };

  return (
    <Modal
      open
      title={t('app.kanban.confirmTitle', { title, to: to.label })}
      okText={t('app.kanban.confirmOk')}
      cancelText={t('app.form.cancel')}
      okButtonProps={{ loading: saving, disabled: evaluation.isPending }}
      onOk={() => void confirm()}
      onCancel={onCancel}
      destroyOnHidden
    >
      {failure !== null && (
        <Alert type="error" showIcon role="alert" message={errorText(failure, t)} style={{ marginBottom: 12 }} />
      )}
      <Typography.Paragraph>{t('app.kanban.confirmClosed', { to: to.label })}</Typography.Paragraph>
      {evaluation.isPending && (
        <Flex gap={8} align="center">
          <Spin size="small" />
          <Typography.Text type="secondary">{t('app.kanban.checking', { to: to.label })}</Typography.Text>
        </Flex>
      )}
      {asked.length > 0 && (
        <>
          <Typography.Paragraph>{t('app.kanban.confirmFields', { to: to.label })}</Typography.Paragraph>
          <Form layout="vertical" component="div" requiredMark>
            {asked.map((f) => (
              <Form.Item
                key={f.name}
                label={f.label}
                htmlFor={`field-${f.name}`}
                required={required(f)}
                tooltip={f.help}
                validateStatus={errors[f.name] ? 'error' : undefined}
                help={errors[f.name]}
              >
                <FieldInput
                  field={f}
                  value={f.name in values ? values[f.name] : record[f.name]}
                  onChange={(v) => change(f.name, v)}
                  disabled={saving}
                  invalid={!!errors[f.name]}
                />
              </Form.Item>
            ))}
          </Form>
        </>
      )}
    </Modal>
  );
}
