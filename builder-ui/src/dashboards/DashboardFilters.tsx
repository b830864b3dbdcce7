import { DatePicker, Flex, Select } from 'antd';
import dayjs from 'dayjs';
import type { DashboardFilter } from '../api/dashboards';
import { useTeams } from '../api/people';
import { periods } from '../api/reports';
import { UserSelect } from '../app/UserSelect';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';

/**
 * Narrows every widget of a dashboard: records created in a period, of one owner, or of a team's
 * members. The reader's access still applies: a filter only ever shows less.
 */
export function DashboardFilters({
  value,
  onChange,
}: {
  value: DashboardFilter;
  onChange: (f: DashboardFilter) => void;
}) {
  const { t, locale } = useI18n();
  const teams = useTeams();
  return (
    <Flex wrap gap={8} style={{ marginBottom: 16 }} data-testid="dash-filters">
      <DatePicker.RangePicker
        aria-label={t('dash.filter.period')}
        allowEmpty={[true, true]}
        value={[value.from ? dayjs(value.from) : null, value.to ? dayjs(value.to) : null]}
        onChange={(range) =>
          onChange({ ...value, from: range?.[0]?.format('YYYY-MM-DD'), to: range?.[1]?.format('YYYY-MM-DD') })
        }
        placeholder={[t('dash.filter.from'), t('dash.filter.to')]}
        style={{ minWidth: 240 }}
      />
      <Select
        data-testid="dash-filter-period"
        aria-label={t('dash.filter.periodPreset')}
        allowClear
        placeholder={t('dash.filter.periodPreset')}
        style={{ minWidth: 140 }}
        value={value.period}
        onChange={(period: string | undefined) => onChange({ ...value, period })}
        options={periods.map((p) => ({ value: p, label: t(`dash.period.${p}`) }))}
      />
      <div style={{ minWidth: 200 }} data-testid="dash-filter-owner">
        <UserSelect
          id="dash-filter-owner"
          value={value.owner}
          onChange={(owner) => onChange({ ...value, owner: owner ?? undefined })}
        />
      </div>
      <Select
        data-testid="dash-filter-team"
        aria-label={t('dash.filter.team')}
        allowClear
        showSearch
        optionFilterProp="label"
        placeholder={t('dash.filter.team')}
        style={{ minWidth: 180 }}
        loading={teams.isPending}
        value={value.team}
        onChange={(team: string | undefined) => onChange({ ...value, team })}
        options={(teams.data ?? []).map((tm) => ({ value: tm.id, label: pickLabel(tm.label, locale, tm.id) }))}
      />
    </Flex>
  );
}
