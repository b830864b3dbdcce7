import { CheckOutlined, CloseOutlined, EditOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Typography } from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { FormDescriptor, FormField } from '../api/forms';
import type { RecordData } from '../api/records';
import { FieldInput } from '../fields/registry';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { patchRecord } from './patchRecord';

const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const computed = new Set(['formula', 'rollup', 'autonumber']);

/**
 * Whether a list cell may be edited in place: not a computed field, not read-only for this user
 * (the form says so, or its schema), and not one whose read-only state depends on the record
 * (read_only_when: the record's form decides that, with the record's values).
 */
export function inlineEditable(form: FormDescriptor | undefined, f: FormField): boolean {
  if (!form || f.read_only || f.read_only_when || computed.has(f.type)) return false;
  const props = (form.schema.properties ?? {}) as Record<string, { readOnly?: boolean } | undefined>;
  return !!props[f.name] && !props[f.name]!.readOnly;
}

/**
 * The error of one field's new value against the form's schema, as the record form finds it. The
 * schema validator (Ajv, 40 KiB) loads with the first save, not with every list.
 */
async function clientError(
  form: FormDescriptor,
  record: RecordData,
  f: FormField,
  value: unknown,
  t: ReturnType<typeof useI18n>['t'],
) {
  if ((f.required || (form.schema.required as string[] | undefined)?.includes(f.name)) && empty(value))
    return t('app.valid.required');
  const props = (form.schema.properties ?? {}) as Record<string, { readOnly?: boolean }>;
  const doc: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...record, [f.name]: value }))
    if (props[k] && !props[k].readOnly && !empty(v)) doc[k] = v;
  const { schemaErrors } = await import('./validate');
  return schemaErrors(form.schema, doc, t)[f.name];
}

/**
 * A list cell that edits in place: a double click or its pencil opens the field's own input;
 * Enter saves (PATCH with If-Match, as the form does), Escape cancels. The form's checks run
 * first; the server's answer for the field shows under the input, and a change by someone else
 * to the same field is explained with a way to reload.
 */
export function InlineCell({
  object,
  form,
  field: f,
  record,
  children,
}: {
  object: string;
  form: FormDescriptor;
  field: FormField;
  record: RecordData;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState<unknown>(record[f.name]);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [saving, setSaving] = useState(false);
  const box = useRef<HTMLDivElement>(null);

  const open = () => {
    setValue(record[f.name]);
    setError(null);
    setConflict(false);
    setEditing(true);
  };
  const cancel = () => {
    setEditing(false);
    setError(null);
    setConflict(false);
  };
  useEffect(() => {
    if (editing) box.current?.querySelector<HTMLElement>('input, textarea, [tabindex="0"]')?.focus();
  }, [editing]);

  const save = async () => {
    const now = empty(value) ? null : value;
    const was = empty(record[f.name]) ? null : record[f.name];
    if (JSON.stringify(now) === JSON.stringify(was)) return cancel();
    const problem = await clientError(form, record, f, value, t);
    if (problem) return setError(problem);
    setSaving(true);
    try {
      const saved = await patchRecord(object, record, { [f.name]: now });
      client.setQueryData(['record', object, saved.id], saved);
      await client.invalidateQueries({ queryKey: ['records', object] });
      setEditing(false);
      void message.success(t('listwork.edit.saved', { field: f.label }));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'version_conflict') {
        setConflict(true);
        setError(null);
      } else if (e instanceof ApiError && e.fields.length > 0) {
        setError(e.fields.find((x) => x.field === f.name)?.message ?? e.fields.map((x) => x.message).join('; '));
      } else setError(errorText(e, t));
    } finally {
      setSaving(false);
    }
  };

  if (!editing)
    return (
      <Flex gap={4} align="center" className="crm-inline-cell" data-inline-cell={f.name} onDoubleClick={open}>
        <span style={{ minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis' }}>{children}</span>
        <Button
          size="small"
          type="text"
          className="crm-inline-edit"
          icon={<EditOutlined />}
          aria-label={t('listwork.edit.cell', { field: f.label })}
          onClick={(e) => {
            e.stopPropagation();
            open();
          }}
        />
      </Flex>
    );

  return (
    <div
      ref={box}
      data-testid="inline-editor"
      style={{ minWidth: 200 }}
      onClick={(e) => e.stopPropagation()}
      onDoubleClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        // A list that is open (a picklist's options) takes its own Enter and Escape first.
        const expanded = (e.target as HTMLElement).getAttribute('aria-expanded') === 'true';
        if (e.key === 'Escape' && !expanded) {
          e.preventDefault();
          cancel();
        } else if (e.key === 'Enter' && !expanded && !(e.target instanceof HTMLTextAreaElement)) {
          e.preventDefault();
          void save();
        }
      }}
    >
      <Flex gap={4} align="center">
        <div style={{ flex: 1, minWidth: 0 }}>
          <FieldInput field={f} value={value} onChange={setValue} disabled={saving} invalid={!!error || conflict} />
        </div>
        <Button
          size="small"
          type="primary"
          icon={<CheckOutlined />}
          loading={saving}
          aria-label={t('listwork.edit.save')}
          title={t('listwork.edit.hint')}
          onClick={() => void save()}
        />
        <Button size="small" icon={<CloseOutlined />} aria-label={t('listwork.edit.cancel')} onClick={cancel} />
      </Flex>
      {error && (
        <Typography.Text type="danger" role="alert" style={{ fontSize: 12, whiteSpace: 'normal' }}>
          {error}
        </Typography.Text>
      )}
      {conflict && (
        <Flex vertical gap={4} role="alert" style={{ maxWidth: 320 }}>
          <Typography.Text type="danger" style={{ fontSize: 12, whiteSpace: 'normal' }}>
            {t('listwork.edit.conflict')}
          </Typography.Text>
          <div>
            <Button
              size="small"
              onClick={() => {
                cancel();
                void client.invalidateQueries({ queryKey: ['records', object] });
              }}
            >
              {t('listwork.edit.reload')}
            </Button>
          </div>
        </Flex>
      )}
    </div>
  );
}
