import { Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { recordsApi } from '../api/records';
import { useI18n } from '../i18n/context';
import { recordTitle, useLookupNames, useObjectDef } from './meta';

/** A lookup: a searchable select over the target's records (`q=`), showing the chosen one by name. */
export function LookupSelect({
  target,
  value,
  onChange,
  disabled,
  id,
  status,
}: {
  target: string;
  value?: string | null;
  onChange?: (v: string | null) => void;
  disabled?: boolean;
  id?: string;
  status?: 'error';
}) {
  const { t } = useI18n();
  const { def } = useObjectDef(target);
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  // Typing is debounced: one request per pause, not per key.
  useEffect(() => {
    const timer = setTimeout(() => setQ(search), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const found = useQuery({
    queryKey: ['lookup', target, q],
    queryFn: ({ signal }) => recordsApi.list(target, { q, limit: 20 }, signal),
    staleTime: 30_000,
  });
  const current = useLookupNames(target, value ? [value] : []);
  const options = (found.data?.items ?? []).map((r) => ({ value: r.id, label: recordTitle(def, r) }));
  if (value && !options.some((o) => o.value === value)) {
    options.unshift({ value, label: current.data?.[value] ?? value });
  }
  return (
    <Select
      id={id}
      showSearch
      allowClear
      status={status}
      disabled={disabled}
      value={value || undefined}
      placeholder={t('app.form.searchPlaceholder')}
      filterOption={false}
      onSearch={setSearch}
      onChange={(v: string | undefined) => onChange?.(v ?? null)}
      loading={found.isFetching}
      options={options}
      notFoundContent={found.isFetching ? t('common.loading') : t('app.form.noMatches')}
    />
  );
}
