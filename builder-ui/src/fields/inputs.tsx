// The record form's inputs, one per family of field types; the registry says which type takes
// which. Values are kept in the API's shape (dates as text, money as decimal text).
import { DatePicker, Input, InputNumber, Select, Switch, Tag } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import type { FormField } from '../api/forms';
import { LookupSelect } from '../app/LookupSelect';
import { UserSelect } from '../app/UserSelect';
import { textOf } from './text';

export interface InputProps {
  field: FormField;
  id: string;
  value: unknown;
  onChange: (v: unknown) => void;
  disabled: boolean;
  status?: 'error';
}

const orNull = (onChange: (v: unknown) => void) => (v: string) => onChange(v === '' ? null : v);

const htmlTypes: Record<string, string> = { email: 'email', url: 'url', phone: 'tel' };

export function TextInput({ field, value, onChange, ...common }: InputProps) {
  return (
    <Input
      {...common}
      type={htmlTypes[field.type] ?? 'text'}
      maxLength={field.max_length}
      value={(value as string) ?? ''}
      onChange={(e) => orNull(onChange)(e.target.value)}
    />
  );
}

export function TextAreaInput({ field, value, onChange, ...common }: InputProps) {
  return (
    <Input.TextArea
      {...common}
      autoSize={{ minRows: 3, maxRows: 10 }}
      maxLength={field.max_length}
      value={(value as string) ?? ''}
      onChange={(e) => orNull(onChange)(e.target.value)}
    />
  );
}

/** number, integer, percent and currency. */
export function NumberInput({ field, value, onChange, ...common }: InputProps) {
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
}

/** picklist and multipicklist: the options as coloured tags. */
export function ChoiceInput({ field, value, onChange, ...common }: InputProps) {
  const multiple = field.type === 'multipicklist';
  return (
    <Select
      {...common}
      allowClear
      mode={multiple ? 'multiple' : undefined}
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
        multiple
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
}

export function BooleanInput({ id, disabled, value, onChange }: InputProps) {
  return <Switch id={id} disabled={disabled} checked={value === true} onChange={(v) => onChange(v)} />;
}

/**
 * A date (YYYY-MM-DD) or an instant (ISO). The picker gets the same value object until the value
 * changes: a new one on every render (the live evaluation re-renders the form) made the picker
 * drop a date being typed.
 */
export function DateInput({ field, id, disabled, status, value, onChange }: InputProps) {
  const withTime = field.type === 'datetime';
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

export function LookupInput({ field, value, onChange, ...common }: InputProps) {
  return <LookupSelect {...common} target={field.target ?? ''} value={value as string | null} onChange={onChange} />;
}

export function UserInput({ id, disabled, status, value, onChange }: InputProps) {
  return <UserSelect id={id} disabled={disabled} status={status} value={value as string | null} onChange={onChange} />;
}
