import { CloseOutlined, DownloadOutlined, HolderOutlined, MoreOutlined, SaveOutlined } from '@ant-design/icons';
import {
  DndContext,
  DragOverlay,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Dropdown,
  Flex,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import type { FormField } from '../api/forms';
import { useObjects } from '../api/objects';
import {
  reportsApi,
  reportsKey,
  type Bucket,
  type ChartType,
  type MeasureOp,
  type ReportDef,
  type Sharing,
} from '../api/reports';
import { FilterBuilder } from '../app/FilterBuilder';
import { groupsToFilter, operatorsFor } from '../app/filterLanguage';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { pickLabel } from '../i18n/locale';
import type { MessageKey } from '../i18n/messages';
import { PageHeader } from '../shell/PageHeader';
import {
  drop,
  dropProblem,
  emptyDraft,
  fromDefinition,
  asFormFields,
  baseFilterOf,
  isDate,
  nameFrom,
  opsFor,
  removeFrom,
  reportFields,
  setBucket,
  setOp,
  toDefinition,
  zones,
  type Draft,
  type ReportField,
  type Zone,
} from './draft';
import { drillPath, ReportResultView } from './ReportResultView';
import { validValues } from '../shell/validValues';

const buckets: Bucket[] = ['day', 'week', 'month', 'quarter', 'year'];
const charts: ChartType[] = ['bar', 'column', 'line', 'pie', 'funnel', 'none'];

/** A field of the panel: dragged by its handle or its name; its menu adds it without a mouse. */
function FieldItem({ f, menu }: { f: ReportField; menu: ReactNode }) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `field:${f.path}`, data: f });
  return (
    <Flex
      align="center"
      gap={4}
      data-testid={`report-field-${f.path}`}
      style={{
        padding: '2px 4px 2px 0',
        borderRadius: 6,
        opacity: isDragging ? 0.4 : 1,
        background: isDragging ? '#e6f4ff' : undefined,
      }}
    >
      <Flex
        ref={setNodeRef}
        {...listeners}
        {...attributes}
        role="button"
        align="center"
        gap={6}
        style={{ flex: 1, minWidth: 0, cursor: 'grab', padding: '4px 6px', touchAction: 'none' }}
      >
        <HolderOutlined style={{ color: '#8c8c8c' }} />
        <Typography.Text className="crm-ellipsis" style={{ minWidth: 0 }}>
          {f.via && <Typography.Text type="secondary">{f.via} › </Typography.Text>}
          {f.label}
        </Typography.Text>
      </Flex>
      {menu}
    </Flex>
  );
}

/** A drop area: its items, or a hint while empty; outlined while a field is over it. */
function ZoneBox({ zone, hint, children }: { zone: Zone; hint: string; children: ReactNode }) {
  const { t } = useI18n();
  const { setNodeRef, isOver, active } = useDroppable({ id: `zone:${zone}` });
  return (
    <div ref={setNodeRef} data-testid={`report-zone-${zone}`}>
      <Typography.Text strong>{t(`reports.zone.${zone}` as MessageKey)}</Typography.Text>
      <Flex
        vertical
        gap={6}
        style={{
          marginTop: 4,
          minHeight: 44,
          padding: 8,
          borderRadius: 8,
          border: `1px dashed ${isOver ? '#1677ff' : active ? '#91caff' : '#d9d9d9'}`,
          background: isOver ? '#e6f4ff' : '#fafafa',
        }}
      >
        {children ?? <Typography.Text type="secondary">{hint}</Typography.Text>}
      </Flex>
    </div>
  );
}

/** /reports/new and /reports/{name}: fields dragged into rows, column, values and filters; a live preview. */
export default function ReportBuilderPage() {
  const { t, locale } = useI18n();
  const { name: saved } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const objects = useObjects();

  const existing = useQuery({
    queryKey: ['reports', saved, 'def'],
    queryFn: ({ signal }) => reportsApi.get(saved!, signal),
    enabled: !!saved,
  });
  const [draft, setDraft] = useState<Draft>(() => emptyDraft(params.get('object') ?? 'opportunity'));
  const [baseFilter, setBaseFilter] = useState<string | undefined>();
  const [def, setDef] = useState<ReportDef | undefined>();
  useEffect(() => {
    if (!existing.data) return;
    setDef(existing.data);
    setDraft(fromDefinition(existing.data));
    setBaseFilter(baseFilterOf(existing.data));
  }, [existing.data]);

  const object = objects.data?.find((o) => o.name === draft.object);
  const fields = useMemo(
    () => (object ? reportFields(object, objects.data ?? [], locale) : []),
    [object, objects.data, locale],
  );
  const byPath = useMemo(() => new Map(fields.map((f) => [f.path, f])), [fields]);
  const formFields: FormField[] = useMemo(() => asFormFields(fields), [fields]);
  const fieldLabel = (path?: string) => {
    const f = path ? byPath.get(path) : undefined;
    return f ? (f.via ? `${f.via} › ${f.label}` : f.label) : (path ?? '');
  };

  // A saved filter the builder cannot hold stays as written, narrowed by the groups.
  const filter = [baseFilter, groupsToFilter(draft.conditions)]
    .filter((f): f is string => !!f)
    .map((f, _, all) => (all.length > 1 ? `(${f})` : f))
    .join(' and ');
  const definition = toDefinition(draft, filter);
  const key = JSON.stringify(definition);
  // The preview follows the draft once it has held still for a moment.
  const [debounced, setDebounced] = useState(key);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(key), 400);
    return () => clearTimeout(timer);
  }, [key]);
  const preview = useQuery({
    queryKey: ['reports', 'run', debounced, locale],
    queryFn: ({ signal }) => reportsApi.run(JSON.parse(debounced) as ReportDef, signal),
    enabled: !!object,
    placeholderData: keepPreviousData,
    retry: false,
  });

  const apply = (zone: Zone, f: ReportField) => {
    const problem = dropProblem(draft, zone, f);
    if (problem) {
      void message.warning(t(`reports.problem.${problem}`));
      return;
    }
    setDraft(drop(draft, zone, f, operatorsFor(f.type)[0]));
  };

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }));
  const [dragging, setDragging] = useState<ReportField | null>(null);
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null);
    const f = e.active.data.current as ReportField | undefined;
    const over = e.over?.id;
    if (f && typeof over === 'string' && over.startsWith('zone:')) apply(over.slice(5) as Zone, f);
  };

  const [search, setSearch] = useState('');
  const shown = fields.filter((f) => !search || fieldLabel(f.path).toLowerCase().includes(search.toLowerCase()));

  const chip = (zone: Zone, i: number, label: string, extra?: ReactNode) => (
    <Flex
      key={`${zone}-${i}`}
      align="center"
      gap={6}
      wrap
      data-testid={`report-chip-${zone}`}
      style={{ background: '#fff', border: '1px solid #d9d9d9', borderRadius: 6, padding: '2px 4px 2px 8px' }}
    >
      <Typography.Text className="crm-ellipsis" style={{ flex: 1, minWidth: 80 }}>
        {label}
      </Typography.Text>
      {extra}
      <Button
        type="text"
        size="small"
        icon={<CloseOutlined />}
        aria-label={t('reports.remove', { field: label })}
        onClick={() => setDraft(removeFrom(draft, zone, i))}
      />
    </Flex>
  );
  const bucketSelect = (zone: 'rows' | 'column', i: number, field: string, bucket?: Bucket) =>
    isDate(byPath.get(field) ?? { path: '', type: '', label: '' }) ? (
      <Select
        size="small"
        aria-label={t('reports.bucket', { field: fieldLabel(field) })}
        value={bucket ?? 'month'}
        style={{ width: 96 }}
        onChange={(b: Bucket) => setDraft(setBucket(draft, zone, i, b))}
        options={buckets.map((b) => ({ value: b, label: t(`reports.bucket.${b}`) }))}
      />
    ) : null;

  const zoneItems = (zone: Zone): ReactNode => {
    switch (zone) {
      case 'rows':
        return draft.rows.length
          ? draft.rows.map((r, i) => chip('rows', i, fieldLabel(r.field), bucketSelect('rows', i, r.field, r.bucket)))
          : null;
      case 'column':
        return draft.column
          ? chip(
              'column',
              0,
              fieldLabel(draft.column.field),
              bucketSelect('column', 0, draft.column.field, draft.column.bucket),
            )
          : null;
      case 'values':
        return draft.measures.length
          ? draft.measures.map((m, i) =>
              chip(
                'values',
                i,
                m.field ? fieldLabel(m.field) : t('reports.count'),
                <Select
                  size="small"
                  aria-label={t('reports.op', { field: m.field ? fieldLabel(m.field) : t('reports.count') })}
                  value={m.op}
                  style={{ width: 100 }}
                  onChange={(op: MeasureOp) => setDraft(setOp(draft, i, op))}
                  options={opsFor(m.field ? byPath.get(m.field) : undefined).map((op) => ({
                    value: op,
                    label: t(`reports.op.${op}`),
                  }))}
                />,
              ),
            )
          : null;
      case 'filters':
        return baseFilter || draft.conditions.length ? (
          <>
            {baseFilter && (
              <Tag closable onClose={() => setBaseFilter(undefined)} style={{ whiteSpace: 'normal' }}>
                {baseFilter}
              </Tag>
            )}
            {draft.conditions.length > 0 && (
              <FilterBuilder
                fields={formFields}
                value={draft.conditions}
                onChange={(conditions) => setDraft({ ...draft, conditions })}
              />
            )}
          </>
        ) : null;
    }
  };

  const fieldMenu = (f: ReportField) => (
    <Dropdown
      trigger={['click']}
      menu={{
        items: zones.map((z) => {
          const problem = dropProblem(draft, z, f);
          return {
            key: z,
            label: t(`reports.addTo.${z}`),
            disabled: !!problem,
            title: problem ? t(`reports.problem.${problem}`) : undefined,
          };
        }),
        onClick: ({ key: z }) => apply(z as Zone, f),
      }}
    >
      <Button
        type="text"
        size="small"
        icon={<MoreOutlined />}
        aria-label={t('reports.builder.addTo', { field: fieldLabel(f.path) })}
      />
    </Dropdown>
  );

  // Saving: the names and sharing in a dialog; a new report gets its API name from the English name.
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<{ en: string; zh: string; name: string; sharing: Sharing }>();
  const [saveError, setSaveError] = useState<unknown>(null);
  const save = async () => {
    const v = await validValues(form);
    if (!v) return;
    setSaveError(null);
    const body = toDefinition(draft, filter, {
      name: def?.name ?? v.name,
      label: { en: v.en, ...(v.zh ? { 'zh-CN': v.zh } : {}) },
      sharing: v.sharing,
      ...(def?.version !== undefined ? { version: def.version } : {}),
    });
    try {
      const res = def ? await reportsApi.update(body) : await reportsApi.create(body);
      setDef(res);
      setSaving(false);
      void message.success(t('reports.saved'));
      void qc.invalidateQueries({ queryKey: reportsKey });
      if (!saved) void navigate(`/reports/${encodeURIComponent(res.name)}`, { replace: true });
    } catch (e) {
      setSaveError(e);
    }
  };

  const title = def ? pickLabel(def.label, locale, def.name) : t('reports.builder.title');
  if (saved && existing.isPending) return <Skeleton active />;
  if (existing.isError) return <Alert type="error" showIcon message={errorText(existing.error, t)} />;

  return (
    <>
      <PageHeader
        title={title}
        subtitle={t('reports.subtitle')}
        extra={
          <Space wrap>
            <Dropdown
              disabled={!def}
              menu={{
                items: [
                  { key: 'csv', label: t('reports.exportCsv') },
                  { key: 'xlsx', label: t('reports.exportXlsx') },
                ],
                onClick: ({ key: format }) => {
                  if (def)
                    reportsApi
                      .export(def.name, format as 'csv' | 'xlsx')
                      .catch((e: unknown) => void message.error(errorText(e, t)));
                },
              }}
            >
              <Button icon={<DownloadOutlined />} title={def ? undefined : t('reports.exportNeedsSave')}>
                {t('reports.export')}
              </Button>
            </Dropdown>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              onClick={() => {
                form.setFieldsValue({
                  en: def?.label?.en ?? '',
                  zh: def?.label?.['zh-CN'] ?? '',
                  name: def?.name ?? '',
                  sharing: def?.sharing ?? 'private',
                });
                setSaving(true);
              }}
            >
              {t('reports.save')}
            </Button>
          </Space>
        }
      />
      <DndContext
        sensors={sensors}
        onDragStart={(e) => setDragging((e.active.data.current as ReportField | undefined) ?? null)}
        onDragCancel={() => setDragging(null)}
        onDragEnd={onDragEnd}
      >
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={6}>
            <Card size="small" title={t('reports.builder.fields')} data-testid="report-fields">
              <Flex vertical gap={8}>
                <Select
                  aria-label={t('reports.builder.object')}
                  value={draft.object}
                  disabled={!!def}
                  showSearch
                  optionFilterProp="label"
                  onChange={(o: string) => {
                    setDraft(emptyDraft(o));
                    setBaseFilter(undefined);
                  }}
                  options={(objects.data ?? []).map((o) => ({
                    value: o.name,
                    label: pickLabel(o.label, locale, o.name),
                  }))}
                />
                <Input.Search
                  allowClear
                  placeholder={t('reports.builder.searchFields')}
                  aria-label={t('reports.builder.searchFields')}
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('reports.builder.fieldsHint')}
                </Typography.Text>
                <div style={{ maxHeight: 520, overflowY: 'auto' }}>
                  {shown.map((f) => (
                    <FieldItem key={f.path} f={f} menu={fieldMenu(f)} />
                  ))}
                </div>
              </Flex>
            </Card>
          </Col>
          <Col xs={24} lg={6}>
            <Card size="small">
              <Flex vertical gap={12}>
                {zones.map((z) => (
                  <ZoneBox key={z} zone={z} hint={t(`reports.zone.${z}Hint` as MessageKey)}>
                    {zoneItems(z)}
                  </ZoneBox>
                ))}
                <div>
                  <Typography.Text strong>{t('reports.chart')}</Typography.Text>
                  <Select
                    aria-label={t('reports.chart')}
                    value={draft.chart}
                    style={{ width: '100%', marginTop: 4 }}
                    onChange={(chart: ChartType) => setDraft({ ...draft, chart })}
                    options={charts.map((c) => ({ value: c, label: t(`reports.chart.${c}`) }))}
                  />
                </div>
              </Flex>
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card
              size="small"
              title={t('reports.preview')}
              data-testid="report-preview"
              loading={preview.isPending && !!object}
            >
              {preview.isError && (
                <Alert
                  type="error"
                  showIcon
                  message={t('reports.previewFailed')}
                  description={errorText(preview.error, t)}
                />
              )}
              {preview.data && !preview.isError && (
                <ReportResultView
                  result={preview.data}
                  chart={draft.chart}
                  title={title}
                  onDrill={(f) => void navigate(drillPath(draft.object, f))}
                />
              )}
            </Card>
          </Col>
        </Row>
        <DragOverlay dropAnimation={null}>
          {dragging && (
            <Tag color="blue" style={{ padding: '4px 8px', fontSize: 14 }}>
              {fieldLabel(dragging.path)}
            </Tag>
          )}
        </DragOverlay>
      </DndContext>
      <Modal
        open={saving}
        title={t('reports.saveAs')}
        okText={t('reports.save')}
        cancelText={t('reports.cancel')}
        onOk={() => void save()}
        onCancel={() => setSaving(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item
            name="en"
            label={t('reports.label.en')}
            rules={[{ required: true, message: t('reports.labelRequired') }]}
          >
            <Input
              onChange={(e) => {
                if (!def) form.setFieldValue('name', nameFrom(e.target.value));
              }}
            />
          </Form.Item>
          <Form.Item name="zh" label={t('reports.label.zh')}>
            <Input />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('reports.name')}
            rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,62}$/ }]}
          >
            <Input disabled={!!def} />
          </Form.Item>
          <Form.Item name="sharing" label={t('reports.sharing')}>
            <Select
              options={(['private', 'team', 'everyone'] as const).map((s) => ({
                value: s,
                label: t(`reports.sharing.${s}`),
              }))}
            />
          </Form.Item>
        </Form>
        {saveError !== null && <Alert type="error" showIcon message={errorText(saveError, t)} />}
      </Modal>
      {preview.isFetching && <span data-testid="report-running" hidden />}
    </>
  );
}
