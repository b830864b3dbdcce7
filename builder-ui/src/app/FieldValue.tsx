import { CheckOutlined, MinusOutlined } from '@ant-design/icons';
import { Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link } from 'react-router';
import { textOf } from '../fields/text';
import type { FormField } from '../api/forms';
import { useI18n } from '../i18n/context';

export interface ShownField {
  name: string;
  type: string;
  result_type?: string;
  currency?: string;
  scale?: number;
  options?: { value: string; label: string; color?: string }[];
  target?: string;
}

/** A value as the read view and the table show it: tags for picklists, links for lookups. */
export function FieldValue({
  field,
  value,
  names,
  people,
}: {
  field: ShownField | FormField;
  value: unknown;
  /** Names of looked-up records by id. */
  names?: Record<string, string>;
  people?: Record<string, string>;
}) {
  const { locale } = useI18n();
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
    return <Typography.Text type="secondary">—</Typography.Text>;
  }
  const type = field.type === 'formula' ? (field.result_type ?? 'text') : field.type;
  const option = (v: string) => field.options?.find((o) => o.value === v);
  switch (type) {
    case 'picklist': {
      const o = option(textOf(value));
      return <Tag color={o?.color}>{o?.label ?? textOf(value)}</Tag>;
    }
    case 'multipicklist':
      return (
        <>
          {(value as string[]).map((v) => (
            <Tag key={v} color={option(v)?.color}>
              {option(v)?.label ?? v}
            </Tag>
          ))}
        </>
      );
    case 'boolean':
      return value ? <CheckOutlined aria-label="true" /> : <MinusOutlined aria-label="false" />;
    case 'date':
      return <>{dayjs(textOf(value)).format('ll')}</>;
    case 'datetime':
      return <span title={dayjs(textOf(value)).format('LLLL')}>{dayjs(textOf(value)).format('lll')}</span>;
    case 'currency':
      return (
        <>
          {new Intl.NumberFormat(locale, {
            style: 'currency',
            currency: field.currency || 'CNY',
            minimumFractionDigits: field.scale ?? 2,
          }).format(Number(value))}
        </>
      );
    case 'percent':
      return <>{Number(value)}%</>;
    case 'number':
    case 'integer':
      return <>{new Intl.NumberFormat(locale).format(Number(value))}</>;
    case 'lookup': {
      const id = textOf(value);
      return field.target ? (
        <Link to={`/app/${field.target}/${id}`} onClick={(e) => e.stopPropagation()}>
          {names?.[id] ?? id}
        </Link>
      ) : (
        <>{id}</>
      );
    }
    case 'user':
      return <>{people?.[textOf(value)] ?? textOf(value)}</>;
    case 'url':
      return (
        <a href={textOf(value)} target="_blank" rel="noreferrer noopener" onClick={(e) => e.stopPropagation()}>
          {textOf(value)}
        </a>
      );
    case 'email':
      return <a href={`mailto:${textOf(value)}`}>{textOf(value)}</a>;
    case 'textarea':
      return <span style={{ whiteSpace: 'pre-wrap' }}>{textOf(value)}</span>;
    default:
      return <>{textOf(value)}</>;
  }
}
