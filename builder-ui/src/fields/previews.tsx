// The inputs of the builder's generated-form preview, one per family of field types; the registry
// says which type takes which. Values are in the field's wire form; nothing is saved.
import { DatePicker, Input, InputNumber, Select, Switch, Tag } from 'antd';
import dayjs from 'dayjs';
import type { FormField } from '../api/preview';
import { useI18n } from '../i18n/context';
import { textOf } from './text';

export interface PreviewProps {
  field: FormField;
  id: string;
  value: unknown;
  readOnly: boolean;
  onChange: (v: unknown) => void;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : textOf(v));

const options = (field: FormField) =>
  (field.options ?? []).map((o) => ({
    value: o.value,
    label: o.color ? <Tag color={o.color === 'gray' ? 'default' : o.color}>{o.label}</Tag> : o.label,
  }));

/** formula and autonumber: the server computes them. */
export function ComputedPreview({ id, value }: PreviewProps) {
  const { t } = useI18n();
  return (
    <Input id={id} readOnly value={text(value)} placeholder={t('builder.preview.computed')} className="crm-computed" />
  );
}

export function TextPreview({ id, value, readOnly, onChange }: PreviewProps) {
  return <Input id={id} disabled={readOnly} value={text(value)} onChange={(e) => onChange(e.target.value)} />;
}

export function TextAreaPreview({ id, value, readOnly, onChange }: PreviewProps) {
  return (
    <Input.TextArea
      id={id}
      disabled={readOnly}
      value={text(value)}
      onChange={(e) => onChange(e.target.value)}
      autoSize
    />
  );
}

/** number, integer, percent and currency. */
export function NumberPreview({ field, id, value, readOnly, onChange }: PreviewProps) {
  const type = field.type;
  return (
    <InputNumber
      id={id}
      disabled={readOnly}
      style={{ width: '100%' }}
      stringMode={type === 'currency'}
      addonAfter={type === 'percent' ? '%' : type === 'currency' ? field.currency : undefined}
      value={value as number | string | null}
      onChange={(v) => onChange(v ?? undefined)}
    />
  );
}

export function BooleanPreview({ id, value, readOnly, onChange }: PreviewProps) {
  return <Switch id={id} disabled={readOnly} checked={value === true} onChange={(v) => onChange(v)} />;
}

export function DatePreview({ id, value, readOnly, onChange }: PreviewProps) {
  return (
    <DatePicker
      id={id}
      disabled={readOnly}
      style={{ width: '100%' }}
      value={value ? dayjs(textOf(value)) : null}
      onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : undefined)}
    />
  );
}

export function DatetimePreview({ id, value, readOnly, onChange }: PreviewProps) {
  return (
    <DatePicker
      id={id}
      showTime
      disabled={readOnly}
      style={{ width: '100%' }}
      value={value ? dayjs(textOf(value)) : null}
      onChange={(d) => onChange(d ? d.toISOString() : undefined)}
    />
  );
}

export function PicklistPreview({ field, id, value, readOnly, onChange }: PreviewProps) {
  return (
    <Select
      id={id}
      allowClear
      disabled={readOnly}
      value={value ?? undefined}
      onChange={(v) => onChange(v)}
      options={options(field)}
    />
  );
}

export function MultipicklistPreview({ field, id, value, readOnly, onChange }: PreviewProps) {
  return (
    <Select
      id={id}
      mode="multiple"
      disabled={readOnly}
      value={(value as string[] | undefined) ?? []}
      onChange={(v: string[]) => onChange(v.length ? v : undefined)}
      options={options(field)}
    />
  );
}

/** lookup and user: their choices come from records and people the preview does not have. */
export function NotInPreview({ id }: PreviewProps) {
  const { t } = useI18n();
  return <Input id={id} disabled placeholder={t('builder.preview.notInPreview')} />;
}
