import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  CloseOutlined,
  ColumnWidthOutlined,
  EditOutlined,
  PlusOutlined,
  ShrinkOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Flex,
  Form,
  Modal,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Typography,
} from 'antd';
import { useState } from 'react';
import ReactGridLayout, { useContainerWidth, type Layout } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import 'react-resizable/css/styles.css';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useMe } from '../api/auth';
import {
  dashboardsKey,
  saveDashboard,
  type DashboardFilter,
  type WidgetData,
  type WidgetDef,
  type WidgetLayout,
  useDashboardData,
  useDashboards,
} from '../api/dashboards';
import { useObjects } from '../api/objects';
import { useReports, type ChartType } from '../api/reports';
import { isBuilder } from '../app/useAppMenu';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';
import { DashboardFilters } from './DashboardFilters';
import { gridCols, layoutsOf, nudge, readingOrder, rowHeight, sizeOf, widgetName } from './layout';
import { ReportWidget } from './ReportWidget';
import { WidgetCard } from './WidgetCard';
import { validValues } from '../shell/validValues';

const margin = 16;
const cellHeight = (h: number) => h * rowHeight + (h - 1) * margin;
const charts: ChartType[] = ['bar', 'column', 'line', 'pie', 'funnel', 'none'];

/**
 * /dashboards/{name}: every widget computed for the reader on a 12-column grid (stacked on a
 * phone). Analysts and admins edit it here: add saved reports, move, resize, remove, save.
 */
export default function DashboardPage() {
  const { t, locale } = useI18n();
  const { name = '' } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const qc = useQueryClient();
  // The filter lives in the address, so a narrowed dashboard can be shared and reloaded.
  const [params, setParams] = useSearchParams();
  const filter: DashboardFilter = {
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    owner: params.get('owner') ?? undefined,
    team: params.get('team') ?? undefined,
    period: params.get('period') ?? undefined,
  };
  const setFilter = (f: DashboardFilter) =>
    setParams(
      Object.fromEntries(
        Object.entries(f).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
      ),
      { replace: true },
    );
  const data = useDashboardData(name, locale, filter);
  const list = useDashboards();
  const objects = useObjects();
  const me = useMe();
  const reports = useReports();
  const def = list.data?.find((d) => d.name === name);
  const canEdit = isBuilder(me.data?.roles) && !!def;

  // While editing, the widgets are a copy that Save sends and Cancel drops.
  const [editing, setEditing] = useState<WidgetDef[] | null>(null);
  const [saving, setSaving] = useState(false);
  const [adding, setAdding] = useState(false);
  const [addForm] = Form.useForm<{ report: string; chart: ChartType }>();
  const widgets = editing ?? def?.widgets ?? [];
  const layouts = layoutsOf(widgets);
  const items = widgets.map((w, i) => ({ w, layout: layouts[i]! }));
  const dataOf = (w: WidgetDef): WidgetData =>
    data.data?.widgets.find((d) => d.name === w.name) ?? {
      name: w.name,
      type: w.type,
      label: pickLabel(w.label, locale, w.name),
    };
  const { width, containerRef, mounted } = useContainerWidth();
  const phone = mounted && width < 768;

  const setLayout = (name: string, l: WidgetLayout) =>
    setEditing((ws) =>
      (ws ?? []).map((w, i) =>
        w.name === name ? { ...w, layout: l } : { ...w, layout: w.layout ?? layoutsOf(ws ?? [])[i] },
      ),
    );
  const onLayoutChange = (next: Layout) => {
    if (!editing) return;
    setEditing(
      editing.map((w) => {
        const l = next.find((x) => x.i === w.name);
        return l ? { ...w, layout: { x: l.x, y: l.y, w: l.w, h: l.h } } : w;
      }),
    );
  };
  const save = async () => {
    if (!def || !editing) return;
    setSaving(true);
    try {
      // Every widget keeps where it is now, also those never moved.
      const all = layoutsOf(editing);
      await saveDashboard({ ...def, widgets: editing.map((w, i) => ({ ...w, layout: all[i] })) });
      await qc.invalidateQueries({ queryKey: dashboardsKey });
      await qc.invalidateQueries({ queryKey: ['dashboards', name] });
      setEditing(null);
      void message.success(t('dash.saved'));
    } catch (e) {
      void message.error(`${t('dash.saveFailed')}: ${errorText(e, t)}`);
    } finally {
      setSaving(false);
    }
  };
  const add = async () => {
    const v = await validValues(addForm);
    if (!v) return;
    const r = reports.data?.find((x) => x.name === v.report);
    const size = sizeOf('report');
    const bottom = Math.max(0, ...layouts.map((l) => l.y + l.h));
    setEditing([
      ...widgets,
      {
        name: widgetName(v.report, widgets),
        type: 'report',
        report: v.report,
        chart: v.chart,
        ...(r?.label ? { label: r.label } : {}),
        layout: { x: 0, y: bottom, ...size },
      },
    ]);
    setAdding(false);
  };

  const card = (w: WidgetDef, l: WidgetLayout) => {
    const d = dataOf(w);
    const title = d.label || pickLabel(w.label, locale, w.name);
    const tools = editing && (
      <Space size={0} className="widget-actions" onMouseDown={(e) => e.stopPropagation()}>
        {(
          [
            ['up', <ArrowUpOutlined key="u" />, 'dash.widgetUp'],
            ['down', <ArrowDownOutlined key="d" />, 'dash.widgetDown'],
            ['narrower', <ShrinkOutlined key="n" />, 'dash.widgetNarrower'],
            ['wider', <ColumnWidthOutlined key="w" />, 'dash.widgetWider'],
          ] as const
        ).map(([how, icon, label]) => (
          <Button
            key={how}
            type="text"
            size="small"
            icon={icon}
            aria-label={t(label, { name: title })}
            onClick={() => setLayout(w.name, nudge(l, how))}
          />
        ))}
        <Button
          type="text"
          size="small"
          danger
          icon={<CloseOutlined />}
          aria-label={t('dash.removeWidget', { name: title })}
          onClick={() => setEditing(widgets.filter((x) => x.name !== w.name))}
        />
      </Space>
    );
    const object = objects.data?.find((o) => o.name === (d.object ?? w.object));
    return (
      <WidgetCard
        w={{ ...d, label: title }}
        measures={w.measures}
        object={object}
        extra={tools}
        fill={!phone}
        body={
          w.type === 'report' && w.report ? (
            <ReportWidget
              report={w.report}
              chart={w.chart}
              filter={filter}
              title={title}
              height={phone ? 260 : Math.max(160, cellHeight(l.h) - 130)}
            />
          ) : undefined
        }
      />
    );
  };

  return (
    <>
      <PageHeader
        title={data.data?.label || pickLabel(def?.label, locale, name)}
        subtitle={editing ? t('dash.moveHint') : t('dash.subtitle')}
        extra={
          <Space wrap>
            {!editing && (list.data?.length ?? 0) > 1 && (
              <Segmented
                value={name}
                onChange={(v) => void navigate(`/dashboards/${encodeURIComponent(v)}?${params.toString()}`)}
                options={(list.data ?? []).map((d) => ({ value: d.name, label: pickLabel(d.label, locale, d.name) }))}
              />
            )}
            {canEdit && !editing && (
              <Button icon={<EditOutlined />} onClick={() => setEditing(def.widgets)}>
                {t('dash.edit')}
              </Button>
            )}
            {editing && (
              <>
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => {
                    addForm.resetFields();
                    setAdding(true);
                  }}
                >
                  {t('dash.addWidget')}
                </Button>
                <Button onClick={() => setEditing(null)}>{t('dash.editCancel')}</Button>
                <Button type="primary" loading={saving} onClick={() => void save()}>
                  {t('dash.editDone')}
                </Button>
              </>
            )}
          </Space>
        }
      />
      <DashboardFilters value={filter} onChange={setFilter} />
      {data.isError && (
        <Alert
          type="error"
          showIcon
          message={t('dash.loadFailed')}
          description={errorText(data.error, t)}
          action={
            <Button size="small" onClick={() => void data.refetch()}>
              {t('common.retry')}
            </Button>
          }
        />
      )}
      {(data.isPending || list.isPending) && (
        <Row gutter={[16, 16]}>
          {[0, 1].map((i) => (
            <Col key={i} xs={24} xl={12}>
              <Card>
                <Skeleton active paragraph={{ rows: 6 }} />
              </Card>
            </Col>
          ))}
        </Row>
      )}
      <div
        ref={containerRef}
        data-testid="dash-grid"
        style={editing ? { outline: '1px dashed #91caff', borderRadius: 8 } : undefined}
      >
        {mounted &&
          (data.data || editing) &&
          !list.isPending &&
          (phone ? (
            // On a phone the widgets stack in reading order, each as tall as its content.
            <Flex vertical gap={16}>
              {readingOrder(items).map(({ w, layout }) => (
                <div key={w.name} data-testid={`grid-item-${w.name}`}>
                  {card(w, layout)}
                </div>
              ))}
            </Flex>
          ) : (
            <ReactGridLayout
              width={width}
              layout={items.map(({ w, layout }) => ({ i: w.name, ...layout, minW: 2, minH: 2 }))}
              gridConfig={{ cols: gridCols, rowHeight, margin: [margin, margin], containerPadding: [0, 0] }}
              dragConfig={{ enabled: !!editing, handle: '.ant-card-head', cancel: '.widget-actions' }}
              resizeConfig={{ enabled: !!editing, handles: ['se'] }}
              onLayoutChange={onLayoutChange}
            >
              {items.map(({ w, layout }) => (
                <div key={w.name} data-testid={`grid-item-${w.name}`}>
                  {card(w, layout)}
                </div>
              ))}
            </ReactGridLayout>
          ))}
      </div>
      {editing && widgets.length === 0 && <Typography.Text type="secondary">{t('dash.empty')}</Typography.Text>}
      <Modal
        open={adding}
        title={t('dash.addWidgetTitle')}
        okText={t('dash.addWidget')}
        cancelText={t('dash.editCancel')}
        onOk={() => void add()}
        onCancel={() => setAdding(false)}
      >
        <Form form={addForm} layout="vertical" initialValues={{ chart: 'bar' }}>
          <Form.Item name="report" label={t('dash.pickReport')} rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              loading={reports.isPending}
              onChange={(r: string) => {
                const c = reports.data?.find((x) => x.name === r)?.chart;
                if (c) addForm.setFieldValue('chart', c);
              }}
              options={(reports.data ?? []).map((r) => ({ value: r.name, label: pickLabel(r.label, locale, r.name) }))}
            />
          </Form.Item>
          <Form.Item name="chart" label={t('dash.widgetChart')}>
            <Select options={charts.map((c) => ({ value: c, label: t(`reports.chart.${c}`) }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
