import { Alert, Skeleton } from 'antd';
import { useNavigate } from 'react-router';
import type { DashboardFilter } from '../api/dashboards';
import { useReportData, type ChartType } from '../api/reports';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { drillPath, ReportResultView } from '../reports/ReportResultView';

/** The filter text of a dashboard's date range: records created from `from` to `to`, both days included. */
export function createdBetween(f: DashboardFilter): string | undefined {
  const parts = [
    f.from ? `created_at >= ${JSON.stringify(f.from)}` : '',
    f.to ? `created_at < ${JSON.stringify(nextDay(f.to))}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' and ') : undefined;
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** A saved report's chart on a dashboard, narrowed by the dashboard's filters; a bar opens its records. */
export function ReportWidget({
  report,
  chart,
  filter,
  title,
  height,
}: {
  report: string;
  chart?: string;
  filter: DashboardFilter;
  title: string;
  height: number;
}) {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const data = useReportData(report, locale, {
    period: filter.period,
    owner: filter.owner,
    team: filter.team,
    filter: createdBetween(filter),
  });
  if (data.isPending) return <Skeleton active paragraph={{ rows: 4 }} />;
  if (data.isError)
    return <Alert type="warning" showIcon message={t('dash.widgetFailed')} description={errorText(data.error, t)} />;
  return (
    <ReportResultView
      result={data.data}
      chart={(chart as ChartType | undefined) ?? 'bar'}
      title={title}
      height={height}
      table={!chart || chart === 'none'}
      onDrill={(f) => void navigate(drillPath(data.data.object, f))}
    />
  );
}
