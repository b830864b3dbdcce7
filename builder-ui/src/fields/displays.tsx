// A value as the read view and the tables show it, one component per family of field types; the
// registry says which type takes which. Each is given a value that is not empty.
import { CheckOutlined, MinusOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import dayjs from 'dayjs';
import { Link } from 'react-router';
import type { FormField } from '../api/forms';
import { useI18n } from '../i18n/context';
import { textOf } from './text';

/** What a display needs of a field: the form's field, or the few settings a list keeps. */
export interface ShownField {
  name: string;
  type: string;
  result_type?: string;
  currency?: string;
  scale?: number;
  options?: { value: string; label: string; color?: string }[];
  target?: string;
}

export interface DisplayProps {
  field: ShownField | FormField;
  value: unknown;
  /** Names of looked-up records by id. */
  names?: Record<string, string>;
  people?: Record<string, string>;
}

const option = (field: ShownField, v: string) => field.options?.find((o) => o.value === v);

export function TextDisplay({ value }: DisplayProps) {
  return <>{textOf(value)}</>;
}

export function TextAreaDisplay({ value }: DisplayProps) {
  return <span style={{ whiteSpace: 'pre-wrap' }}>{textOf(value)}</span>;
}

export function EmailDisplay({ value }: DisplayProps) {
  return <a href={`mailto:${textOf(value)}`}>{textOf(value)}</a>;
}

export function URLDisplay({ value }: DisplayProps) {
  return (
    <a href={textOf(value)} target="_blank" rel="noreferrer noopener" onClick={(e) => e.stopPropagation()}>
      {textOf(value)}
    </a>
  );
}

export function NumberDisplay({ value }: DisplayProps) {
  const { locale } = useI18n();
  return <>{new Intl.NumberFormat(locale).format(Number(value))}</>;
}

export function PercentDisplay({ value }: DisplayProps) {
  return <>{Number(value)}%</>;
}

export function CurrencyDisplay({ field, value }: DisplayProps) {
  const { locale } = useI18n();
  return (
    <>
      {new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: field.currency || 'CNY',
        minimumFractionDigits: field.scale ?? 2,
      }).format(Number(value))}
    </>
  );
}

export function BooleanDisplay({ value }: DisplayProps) {
  return value ? <CheckOutlined aria-label="true" /> : <MinusOutlined aria-label="false" />;
}

export function DateDisplay({ value }: DisplayProps) {
  return <>{dayjs(textOf(value)).format('ll')}</>;
}

export function DatetimeDisplay({ value }: DisplayProps) {
  return <span title={dayjs(textOf(value)).format('LLLL')}>{dayjs(textOf(value)).format('lll')}</span>;
}

export function PicklistDisplay({ field, value }: DisplayProps) {
  const o = option(field, textOf(value));
  return <Tag color={o?.color}>{o?.label ?? textOf(value)}</Tag>;
}

export function MultipicklistDisplay({ field, value }: DisplayProps) {
  return (
    <>
      {(value as string[]).map((v) => (
        <Tag key={v} color={option(field, v)?.color}>
          {option(field, v)?.label ?? v}
        </Tag>
      ))}
    </>
  );
}

export function LookupDisplay({ field, value, names }: DisplayProps) {
  const id = textOf(value);
  return field.target ? (
    <Link to={`/app/${field.target}/${id}`} onClick={(e) => e.stopPropagation()}>
      {names?.[id] ?? id}
    </Link>
  ) : (
    <>{id}</>
  );
}

export function UserDisplay({ value, people }: DisplayProps) {
  return <>{people?.[textOf(value)] ?? textOf(value)}</>;
}
