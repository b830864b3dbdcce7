// The list filter's value controls and operator sets, one per family of field types; the
// registry says which type takes which.
import { DatePicker, Input, InputNumber, Select } from 'antd';
import dayjs from 'dayjs';
import type { FormField } from '../api/forms';
import type { Condition } from '../app/filterLanguage';
import { useI18n } from '../i18n/context';

export interface FilterValueProps {
  field: FormField;
  condition: Condition;
  /** The control's accessible name. */
  aria: string;
  onChange: (c: Condition) => void;
}

const nullTests = ['is null', 'is not null'];

/** Operators per family, the first being the one a new row starts with. */
export const filterOps = {
  ordered: ['=', '!=', '>', '>=', '<', '<=', ...nullTests],
  boolean: ['=', '!='],
  picklist: ['=', '!=', 'in', ...nullTests],
  multipicklist: ['contains', ...nullTests],
  reference: ['=', '!=', ...nullTests],
  text: ['contains', '=', '!=', ...nullTests],
};

export function TextFilter({ condition: c, aria, onChange }: FilterValueProps) {
  return (
    <Input
      aria-label={aria}
      style={{ minWidth: 0, flex: '1 1 140px' }}
      value={(c.value as string) ?? ''}
      onChange={(e) => onChange({ ...c, value: e.target.value })}
    />
  );
}

/** picklist and multipicklist: several values for "in". */
export function ChoiceFilter({ field, condition: c, aria, onChange }: FilterValueProps) {
  return (
    <Select
      aria-label={aria}
      style={{ minWidth: 0, flex: '1 1 160px' }}
      mode={c.op === 'in' ? 'multiple' : undefined}
      value={c.value as string | string[] | undefined}
      onChange={(v: string | string[]) => onChange({ ...c, value: v })}
      options={(field.options ?? []).map((o) => ({ value: o.value, label: o.label }))}
    />
  );
}

export function BooleanFilter({ condition: c, aria, onChange }: FilterValueProps) {
  const { t } = useI18n();
  return (
    <Select
      aria-label={aria}
      style={{ minWidth: 0, flex: '1 1 120px' }}
      value={c.value as boolean | undefined}
      onChange={(v: boolean) => onChange({ ...c, value: v })}
      options={[
        { value: true, label: t('app.filter.yes') },
        { value: false, label: t('app.filter.no') },
      ]}
    />
  );
}

export function NumberFilter({ condition: c, aria, onChange }: FilterValueProps) {
  return (
    <InputNumber
      aria-label={aria}
      style={{ minWidth: 0, flex: '1 1 120px' }}
      value={c.value as number | undefined}
      onChange={(v) => onChange({ ...c, value: v ?? undefined })}
    />
  );
}

/** date and datetime: both compare by the day picked. */
export function DateFilter({ condition: c, aria, onChange }: FilterValueProps) {
  return (
    <DatePicker
      aria-label={aria}
      style={{ minWidth: 0, flex: '1 1 140px' }}
      value={c.value ? dayjs(String(c.value)) : null}
      onChange={(d) => onChange({ ...c, value: d ? d.format('YYYY-MM-DD') : undefined })}
    />
  );
}
