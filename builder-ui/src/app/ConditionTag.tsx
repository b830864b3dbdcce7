import { Tag } from 'antd';
import type { FormField } from '../api/forms';
import { toFilter, type Condition } from './filterLanguage';
import { useLookupNames } from './meta';

/**
 * An active filter of the list, as the filter language writes it with the field's label; a
 * lookup names the record it points at ("Account = Acme Ltd"), not its id.
 */
export function ConditionTag({
  condition: c,
  field: f,
  raw,
  onClose,
}: {
  condition: Condition;
  field?: FormField;
  /** A filter written in the filter language, shown as it is. */
  raw?: string;
  onClose: () => void;
}) {
  const lookup = f?.type === 'lookup' && c.op === '=' && typeof c.value === 'string';
  const names = useLookupNames(lookup ? f.target : undefined, lookup ? [c.value as string] : []);
  const name = lookup ? names.data?.[c.value as string] : undefined;
  return (
    <Tag closable onClose={onClose}>
      <code>{raw ?? (name ? `${f!.label} = ${name}` : toFilter([{ ...c, field: f?.label ?? c.field }]))}</code>
    </Tag>
  );
}
