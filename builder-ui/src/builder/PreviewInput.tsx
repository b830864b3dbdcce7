import { DatePicker, Input, InputNumber, Select, Switch, Tag } from 'antd';
import dayjs from 'dayjs';
import { textOf } from '../fields/text';
import type { FormField } from '../api/preview';
import { useI18n } from '../i18n/context';

interface Props {
  field: FormField;
  id: string;
  value: unknown;
  readOnly: boolean;
  onChange: (v: unknown) => void;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : textOf(v));

/** The input a generated form shows for a field type, in the field's wire form. */
export function PreviewInput({ field, id, value, readOnly, onChange }: Props) {
  const { t } = useI18n();
  const type = field.type === 'formula' ? (field.result_type ?? 'text') : field.type;
  if (field.type === 'formula' || field.type === 'autonumber') {
    return (
      <Input
        id={id}
        readOnly
        value={text(value)}
        placeholder={t('builder.preview.computed')}
        className="crm-computed"
      />
    );
  }
  const options = (field.options ?? []).map((o) => ({
    value: o.value,
    label: o.color ? <Tag color={o.color === 'gray' ? 'default' : o.color}>{o.label}</Tag> : o.label,
  }));
  switch (type) {
    case 'textarea':
      return (
        <Input.TextArea
          id={id}
          disabled={readOnly}
          value={text(value)}
          onChange={(e) => onChange(e.target.value)}
          autoSize
        />
      );
    case 'number':
    case 'integer':
    case 'percent':
    case 'currency':
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
    case 'boolean':
      return <Switch id={id} disabled={readOnly} checked={value === true} onChange={(v) => onChange(v)} />;
    case 'date':
      return (
        <DatePicker
          id={id}
          disabled={readOnly}
          style={{ width: '100%' }}
          value={value ? dayjs(textOf(value)) : null}
          onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : undefined)}
        />
      );
    case 'datetime':
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
    case 'picklist':
      return (
        <Select
          id={id}
          allowClear
          disabled={readOnly}
          value={value ?? undefined}
          onChange={(v) => onChange(v)}
          options={options}
        />
      );
    case 'multipicklist':
      return (
        <Select
          id={id}
          mode="multiple"
          disabled={readOnly}
          value={(value as string[] | undefined) ?? []}
          onChange={(v: string[]) => onChange(v.length ? v : undefined)}
          options={options}
        />
      );
    case 'lookup':
    case 'user':
      return <Input id={id} disabled placeholder={t('builder.preview.notInPreview')} />;
    default:
      return <Input id={id} disabled={readOnly} value={text(value)} onChange={(e) => onChange(e.target.value)} />;
  }
}
