import { Tag } from 'antd';
import { Fragment } from 'react';
import type { FormField } from '../api/forms';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/messages';
import { textOf } from '../fields/text';
import type { Condition } from './filterLanguage';
import { useLookupNames } from './meta';

const symbols = new Set(['=', '!=', '<', '<=', '>', '>=']);

/**
 * One condition as people read it: the field's label, the operator (a comparison sign or its
 * words: "is one of", "is empty"), the value as the list shows it: a picklist's label, a lookup's
 * record name ("Account = Acme Ltd"), yes or no.
 */
export function ConditionText({ condition: c, field: f }: { condition: Condition; field?: FormField }) {
  const { t } = useI18n();
  const lookup = f?.type === 'lookup' && typeof c.value === 'string';
  const names = useLookupNames(lookup ? f.target : undefined, lookup ? [c.value as string] : []);
  const one = (v: unknown): string => {
    if (typeof v === 'boolean') return t(v ? 'app.filter.yes' : 'app.filter.no');
    if (lookup && typeof v === 'string') return names.data?.[v] ?? v;
    const opt = f?.options?.find((o) => o.value === v);
    return opt ? opt.label : textOf(v);
  };
  const op = symbols.has(c.op) ? c.op : t(`app.op.${c.op.replace(/ /g, '_')}` as MessageKey);
  const value =
    c.value === undefined ? '' : Array.isArray(c.value) ? ` ${c.value.map(one).join(', ')}` : ` ${one(c.value)}`;
  return <>{`${f?.label ?? c.field} ${op}${value}`}</>;
}

// Ant Design's Tag hides itself when closed unless told not to; the list re-renders its tags
// from the filter, and a hidden one would stay hidden for the condition that takes its place.
function closeWith(e: { preventDefault: () => void }, onClose: () => void) {
  e.preventDefault();
  onClose();
}

/** An active filter of the list: one condition, or a group of them joined by "and". */
export function ConditionTag({
  conditions,
  fields,
  onClose,
}: {
  conditions: Condition[];
  fields: FormField[];
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <Tag closable onClose={(e) => closeWith(e, onClose)} data-testid="filter-tag" style={{ whiteSpace: 'normal' }}>
      {conditions.map((c, i) => (
        <Fragment key={i}>
          {i > 0 && ` ${t('listwork.filter.and')} `}
          <ConditionText condition={c} field={fields.find((f) => f.name === c.field)} />
        </Fragment>
      ))}
    </Tag>
  );
}

const words: Record<string, MessageKey> = {
  and: 'listwork.filter.and',
  or: 'listwork.filter.or',
  not: 'listwork.filter.not',
  in: 'app.op.in',
  contains: 'app.op.contains',
};

/**
 * A filter the builder cannot hold (given in a link: a lookup path, a "not"), read out with
 * labels for field names and words for the keywords, the values as written.
 */
export function FilterTextTag({ text, fields, onClose }: { text: string; fields: FormField[]; onClose: () => void }) {
  const { t } = useI18n();
  const readable = text.replace(
    /("(?:[^"\\]|\\.)*")|\b([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\b/g,
    (_m, str, id) => {
      if (str) return str as string;
      const name = id as string;
      const w = words[name.toLowerCase()];
      if (w) return t(w);
      if (/^is$/i.test(name)) return '';
      if (/^null$/i.test(name)) return t('listwork.filter.empty');
      if (/^(true|false)$/i.test(name)) return t(/^true$/i.test(name) ? 'app.filter.yes' : 'app.filter.no');
      const [head, ...rest] = name.split('.');
      const label = fields.find((f) => f.name === head)?.label ?? head;
      return [label, ...rest].join('.');
    },
  );
  return (
    <Tag
      closable
      onClose={(e) => closeWith(e, onClose)}
      data-testid="filter-tag"
      style={{ whiteSpace: 'normal' }}
      title={text}
    >
      {readable.replace(/\s+/g, ' ').trim()}
    </Tag>
  );
}
