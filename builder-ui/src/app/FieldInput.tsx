import { DatePicker, Input, InputNumber, Select, Switch, Tag } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { textOf } from '../fields/text';
import type { FormField } from '../api/forms';
import { FieldValue } from './FieldValue';
import { LookupSelect } from './LookupSelect';
import { UserSelect } from './UserSelect';

/** One input per field type; values are kept in the API's shape (dates as text, money as decimal text). */
export function FieldInput({
  field,
  value,
  onChange,
  disabled,
  invalid,
}: {
  field: FormField;
  value: unknown;
  onChange: (v: unknown) => void;
  disabled: boolean;
  invalid: boolean;
}) {
  const id = `field-${field.name}`;
  const status = invalid ? ('error' as const) : undefined;
  const common = { id, disabled, status };
  const text = (v: string) => onChange(v === '' ? null : v);
  switch (field.type) {
    case 'formula':
    case 'autonumber':
      // Computed by the server: shown, never typed.
      return (
        <div id={id} style={{ minHeight: 32, display: 'flex', alignItems: 'center' }}>
          <FieldValue field={field} value={value} />
        </div>
      );
    case 'textarea':
      return (
        <Input.TextArea
          {...common}
          autoSize={{ minRows: 3, maxRows: 10 }}
          maxLength={field.max_length}
          value={(value as string) ?? ''}
          onChange={(e) => text(e.target.value)}
        />
      );
    case 'number':
    case 'integer':
    case 'percent':
    case 'currency':
      return (
        <InputNumber
          {...common}
          style={{ width: '100%' }}
          // Money stays decimal text end to end: no float ever rounds a cent.
          stringMode
          precision={field.type === 'integer' ? 0 : field.type === 'currency' ? undefined : field.scale}
          min={field.min === undefined ? undefined : String(field.min)}
          max={field.max === undefined ? undefined : String(field.max)}
          prefix={field.type === 'currency' ? field.currency : undefined}
          addonAfter={field.type === 'percent' ? '%' : undefined}
          value={value === null || value === undefined ? null : textOf(value)}
          // The schema wants numbers for the other types: typed text would be refused as "Must be a number".
          onChange={(v) => onChange(v === null || v === '' ? null : field.type === 'currency' ? v : Number(v))}
        />
      );
    case 'picklist':
    case 'multipicklist':
      return (
        <Select
          {...common}
          allowClear
          mode={field.type === 'multipicklist' ? 'multiple' : undefined}
          value={value ?? undefined}
          onChange={(v: unknown) => onChange(v ?? null)}
          optionLabelProp="label"
          options={(field.options ?? []).map((o) => ({
            value: o.value,
            label: o.label,
          }))}
          optionRender={(o) => {
            const opt = field.options?.find((x) => x.value === o.value);
            return (
              <Tag color={opt?.color} style={{ marginInlineEnd: 0 }}>
                {opt?.label ?? String(o.value)}
              </Tag>
            );
          }}
          tagRender={
            field.type === 'multipicklist'
              ? ({ value: v, closable, onClose }) => {
                  const opt = field.options?.find((x) => x.value === v);
                  return (
                    <Tag color={opt?.color} closable={closable} onClose={onClose} style={{ marginInlineEnd: 4 }}>
                      {opt?.label ?? textOf(v)}
                    </Tag>
                  );
                }
              : undefined
          }
        />
      );
    case 'boolean':
      return <Switch id={id} disabled={disabled} checked={value === true} onChange={(v) => onChange(v)} />;
    case 'date':
    case 'datetime':
      return <DateInput {...common} withTime={field.type === 'datetime'} value={value} onChange={onChange} />;
    case 'lookup':
      return (
        <LookupSelect {...common} target={field.target ?? ''} value={value as string | null} onChange={onChange} />
      );
    case 'user':
      return <UserSelect {...common} value={value as string | null} onChange={onChange} />;
    default:
      return (
        <Input
          {...common}
          type={
            field.type === 'email' ? 'email' : field.type === 'url' ? 'url' : field.type === 'phone' ? 'tel' : 'text'
          }
          maxLength={field.max_length}
          value={(value as string) ?? ''}
          onChange={(e) => text(e.target.value)}
        />
      );
  }
}

/**
 * A date (YYYY-MM-DD) or an instant (ISO). The picker gets the same value object until the value
 * changes: a new one on every render (the live evaluation re-renders the form) made the picker
 * drop a date being typed.
 */
function DateInput({
  id,
  disabled,
  status,
  withTime,
  value,
  onChange,
}: {
  id: string;
  disabled: boolean;
  status?: 'error';
  withTime: boolean;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  const text = value ? textOf(value) : '';
  const picked = useMemo(() => (text ? dayjs(text) : null), [text]);
  return (
    <DatePicker
      id={id}
      disabled={disabled}
      status={status}
      showTime={withTime ? { format: 'HH:mm' } : undefined}
      style={{ width: '100%' }}
      value={picked}
      onChange={(d) => onChange(d ? (withTime ? d.toISOString() : d.format('YYYY-MM-DD')) : null)}
    />
  );
}
