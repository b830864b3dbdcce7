import { Select } from 'antd';
import { usePeople } from '../api/work';
import { useI18n } from '../i18n/context';

/** A user field: a searchable select over the active people of the directory. */
export function UserSelect({
  value,
  onChange,
  disabled,
  id,
  status,
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  disabled?: boolean;
  id?: string;
  status?: 'error';
}) {
  const { t } = useI18n();
  const people = usePeople();
  return (
    <Select
      id={id}
      showSearch
      allowClear
      status={status}
      disabled={disabled}
      value={value || undefined}
      placeholder={t('app.form.choosePerson')}
      optionFilterProp="label"
      loading={people.isPending}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      options={(people.data ?? [])
        .filter((p) => p.active !== false || p.id === value)
        .map((p) => ({ value: p.id, label: p.name ? `${p.name} (${p.email})` : p.email }))}
    />
  );
}
