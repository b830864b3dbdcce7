import { textOf } from '../fields/text';
import {
  AppstoreOutlined,
  DownloadOutlined,
  FilterOutlined,
  LeftOutlined,
  CheckSquareOutlined,
  MergeCellsOutlined,
  PlusOutlined,
  RightOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Badge,
  Button,
  Card,
  Dropdown,
  Empty,
  Flex,
  Grid,
  Input,
  Popover,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useForm, type FormField } from '../api/forms';
import { recordsApi, type RecordData } from '../api/records';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/messages';
import { errorText } from '../i18n/errorText';
import { pickLabel } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';
import { ColumnChooser } from './ColumnChooser';
import { FieldValue } from '../fields/registry';
import { FilterBuilder } from './FilterBuilder';
import { IndexHint } from './IndexHint';
import { ConditionTag, FilterTextTag } from './ConditionTag';
import { groupsToFilter, parseFilter, toFilter, type Condition, type Groups } from './filterLanguage';
import { LookupCell } from './LookupCell';
import { InlineCell, inlineEditable } from './InlineCell';
import { recordTitle, useObjectDef, usePeopleById } from './meta';
import { ViewPicker } from './ViewPicker';
import { viewsApi, viewsKey } from '../api/views';
import { slaColours } from './SlaBadges';
import { ImportWizard } from './ImportWizard';
import { exportList } from '../api/imports';
import { BulkActions } from './BulkActions';
import { maxMergeLosers } from '../api/records';
import { asFormFields, reportFields } from '../reports/draft';

const systemSortable = new Set(['created_at', 'updated_at', 'owner']);
const columnsKey = (object: string) => `crm.columns.${object}`;

/**
 * What the list shows lives in its address, so that a link shows the same and the back button
 * goes back: `filter` (the filter language, on top of the view's), `sort`, `view` (a saved
 * view's id), `q` (the search) and one `cursor` per page turned.
 */
const listParams = new Set(['filter', 'sort', 'view', 'q', 'cursor']);

/** The conditions a link puts in the address: each other `field=value` is `field = "value"`. */
function conditionsOf(params: URLSearchParams): Condition[] {
  return [...params.entries()]
    .filter(([field]) => !listParams.has(field))
    .map(([field, value]) => ({ field, op: '=', value }));
}

/** The records of an object: chosen columns, server-side sort, search, filters and cursor pages. */
export default function RecordListPage() {
  const { object = '' } = useParams();
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const form = useForm(object);
  const { def, data: objects } = useObjectDef(object);
  const people = usePeopleById();
  const phone = !Grid.useBreakpoint().md;

  const [params, setParams] = useSearchParams();
  // Each change is a step back can undo; a change of the question starts again at page one.
  const change = (edit: (p: URLSearchParams) => void, opts: { replace?: boolean; keepPage?: boolean } = {}) =>
    void setParams(
      (prev) => {
        const p = new URLSearchParams(prev);
        if (!opts.keepPage) p.delete('cursor');
        edit(p);
        return p;
      },
      { replace: opts.replace },
    );
  const setOrDelete = (p: URLSearchParams, key: string, v: string | undefined) => (v ? p.set(key, v) : p.delete(key));
  const q = params.get('q') ?? '';
  const sort = params.get('sort') ?? '';
  const setSort = (v: string) => change((p) => setOrDelete(p, 'sort', v));
  const viewId = params.get('view') ?? '';
  const filterParam = params.get('filter') ?? '';
  const cursors = ['', ...params.getAll('cursor')];
  // `?account=<id>` (a related list's "View all") opens the list filtered to that parent; the
  // condition can be removed like any other.
  const linked = conditionsOf(params);
  // `?filter=` as the builder's groups; a filter they cannot hold is shown as written.
  const parsed = useMemo(() => parseFilter(filterParam), [filterParam]);
  const [groups, setGroupsDraft] = useState<Groups>(() => parsed ?? []);
  useEffect(() => {
    setGroupsDraft((draft) => (groupsToFilter(draft) === filterParam ? draft : (parseFilter(filterParam) ?? [])));
  }, [filterParam]);
  // Rows being written in the builder reach the address once they are complete and typing pauses.
  const draftText = groupsToFilter(groups);
  useEffect(() => {
    if (parsed === null || draftText === filterParam) return;
    const timer = setTimeout(() => change((p) => setOrDelete(p, 'filter', draftText)), 400);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- change is new each render
  }, [draftText, filterParam, parsed]);
  const setGroups = (g: Groups) => {
    setGroupsDraft(g);
  };
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);
  const [chosen, setChosen] = useState<string[] | null>(() => {
    const s = localStorage.getItem(columnsKey(object));
    return s ? (JSON.parse(s) as string[]) : null;
  });

  useEffect(() => {
    if (search.trim() === q) return;
    // Typing replaces the address (one step back per search, not per key).
    const timer = setTimeout(() => change((p) => setOrDelete(p, 'q', search.trim()), { replace: true }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- change is new each render
  }, [search, q]);
  const views = useQuery({ queryKey: viewsKey(object), queryFn: ({ signal }) => viewsApi.list(object, signal) });
  const view = (viewId && views.data?.find((v) => v.id === viewId)) || null;
  // A view opened from an address shows its columns, as picking it does.
  useEffect(() => {
    if (view && view.columns.length > 0) setChosen(view.columns);
  }, [view]);
  const opening = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(opening.current), []);
  const [importing, setImporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  // A saved view's filter stays as written; conditions added on top narrow it further.
  const filter = [view?.filter, toFilter(linked), filterParam]
    .filter((f): f is string => !!f)
    .map((f, _, all) => (all.length > 1 ? `(${f})` : f))
    .join(' and ');
  // Merge picks its rows with tick boxes, shown only once asked for (the list keeps its layout
  // otherwise): 2 to 1 + maxMergeLosers rows; a new page or object starts afresh.
  const [selecting, setSelecting] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const cursorsKey = cursors.join(',');
  useEffect(() => setSelected([]), [object, cursorsKey, q, sort, filter]);

  const cursor = cursors[cursors.length - 1] ?? '';
  const page = useQuery({
    queryKey: ['records', object, { q, sort, filter, cursor }],
    queryFn: ({ signal }) => recordsApi.list(object, { q, sort, filter, cursor, limit: 20 }, signal),
    placeholderData: keepPreviousData,
    // A view named in the address narrows the list once it is known.
    enabled: !viewId || !views.isPending,
  });

  const fields = useMemo(() => form.data?.fields ?? [], [form.data]);
  // Conditions may reach a parent's fields through a lookup (a report's drill-down does): the
  // builder and the tags know them by their labels.
  const filterFields = useMemo(
    () => [
      ...fields,
      ...(def
        ? asFormFields(reportFields(def, objects ?? [], locale).filter((f) => f.via)).filter(
            (f) => !fields.some((x) => x.name === f.name),
          )
        : []),
    ],
    [fields, def, objects, locale],
  );
  const layoutOrder = useMemo(() => {
    const f = form.data;
    if (!f) return [];
    const inLayout = f.sections.flatMap((s) => s.fields).filter((n) => f.fields.some((x) => x.name === n));
    return [...inLayout, ...f.fields.map((x) => x.name).filter((n) => !inLayout.includes(n))];
  }, [form.data]);
  const visible = chosen ?? layoutOrder.slice(0, 5);
  // Every field holding one value sorts, as the server allows; one no index serves costs a scan,
  // which the index hint below tells analysts about.
  const sortable = (f: FormField) => {
    const d = def?.fields.find((x) => x.name === f.name);
    const type = d?.type === 'formula' ? d.result_type : (d?.type ?? f.type);
    return systemSortable.has(f.name) || type !== 'multipicklist';
  };
  const items = page.data?.items ?? [];
  const idsOf = (name: string) => items.map((r) => r[name]).filter((v): v is string => typeof v === 'string');
  const sortOrder = (name: string) =>
    sort === name ? ('ascend' as const) : sort === `-${name}` ? ('descend' as const) : null;

  const columns: TableColumnsType<RecordData> = [
    ...visible
      .map((n) => fields.find((f) => f.name === n))
      .filter((f): f is FormField => !!f)
      .map((f, i) => ({
        key: f.name,
        dataIndex: f.name,
        title: f.label,
        sorter: sortable(f),
        sortOrder: sortOrder(f.name),
        // The name column and long texts are capped so that they do not push the others out of
        // view. Capped in the cell, not with the column's ellipsis: that fixes the table's layout,
        // and a fixed layout sized a short first column (ticket no.) at 260 px and cut the last ones
        // off the card's edge at 1440 px.
        render: (v: unknown, r: RecordData) => {
          const capped = f.type === 'textarea' || i === 0;
          const value =
            f.type === 'lookup' && typeof v === 'string' && f.target ? (
              <LookupCell target={f.target} id={v} ids={idsOf(f.name)} />
            ) : i === 0 ? (
              <Typography.Text strong>
                <FieldValue field={f} value={v} people={people} />
              </Typography.Text>
            ) : (
              <FieldValue field={f} value={v} people={people} />
            );
          const shown = capped ? (
            <div className="crm-cell-capped" title={typeof v === 'string' ? v : undefined}>
              {value}
            </div>
          ) : (
            value
          );
          return form.data && inlineEditable(form.data, f) ? (
            <InlineCell object={object} form={form.data} field={f} record={r}>
              {shown}
            </InlineCell>
          ) : (
            shown
          );
        },
      })),
    // Records measured by an SLA show its most urgent state, sortable by the due time.
    ...(items.some((r) => r.sla_status)
      ? [
          {
            key: 'sla_due_at',
            dataIndex: 'sla_status',
            title: t('app.list.sla'),
            sorter: true,
            sortOrder: sortOrder('sla_due_at'),
            render: (v: string | undefined, r: RecordData) =>
              v ? (
                <Tag color={slaColours[v]} title={r.sla_due_at ? textOf(r.sla_due_at) : undefined}>
                  {t(`listwork.sla.${v}` as MessageKey)}
                </Tag>
              ) : (
                '—'
              ),
          },
        ]
      : []),
    {
      key: 'owner',
      dataIndex: 'owner',
      title: t('app.field.owner'),
      className: 'crm-nowrap',
      responsive: ['lg'],
      render: (v: string) => people[v] ?? '—',
    },
    {
      key: 'updated_at',
      dataIndex: 'updated_at',
      title: t('app.field.updatedAt'),
      className: 'crm-nowrap',
      sorter: true,
      sortOrder: sortOrder('updated_at'),
      responsive: ['md'],
      render: (v: string) => <FieldValue field={{ name: 'updated_at', type: 'datetime' }} value={v} />,
    },
  ];

  // On phones a row is a small card: the first column in bold, the next ones as a line beneath.
  const shownFields = visible.map((n) => fields.find((f) => f.name === n)).filter((f): f is FormField => !!f);
  const [head, ...rest] = shownFields;
  const phoneColumns: TableColumnsType<RecordData> = head
    ? [
        {
          key: head.name,
          title: head.label,
          sorter: sortable(head),
          sortOrder: sortOrder(head.name),
          render: (_: unknown, r: RecordData) => (
            <Flex vertical gap={4} style={{ minWidth: 0 }}>
              <Typography.Text strong>
                <FieldValue field={head} value={r[head.name]} people={people} />
              </Typography.Text>
              <Flex gap={8} wrap align="center" style={{ fontSize: 13 }}>
                {rest.slice(0, 3).map((f) =>
                  r[f.name] === null || r[f.name] === undefined ? null : f.type === 'lookup' && f.target ? (
                    <LookupCell key={f.name} target={f.target} id={String(r[f.name])} ids={idsOf(f.name)} />
                  ) : (
                    <span key={f.name}>
                      <FieldValue field={f} value={r[f.name]} people={people} />
                    </span>
                  ),
                )}
                {typeof r.sla_status === 'string' && (
                  <Tag color={slaColours[r.sla_status]}>{t(`listwork.sla.${r.sla_status}` as MessageKey)}</Tag>
                )}
              </Flex>
            </Flex>
          ),
        },
      ]
    : [];

  const picklists = fields.filter((f) => f.type === 'picklist');
  const title = form.data?.label ?? pickLabel(def?.label, locale, object);
  // The tags of the active filter: each condition of a single group, else each group; a linked
  // parent's condition; a filter the builder cannot hold, as written.
  const liveGroups = (parsed ?? []).filter((g) => toFilter(g) !== '');
  const removeFromFilter = (next: Groups) => {
    setGroupsDraft(next);
    change((p) => setOrDelete(p, 'filter', groupsToFilter(next)));
  };
  const activeCount = linked.length + (parsed === null ? 1 : liveGroups.flat().length);

  return (
    <>
      <PageHeader
        title={title}
        subtitle={t('app.list.subtitle')}
        extra={
          <Space wrap>
            {picklists.length > 0 && (
              <Button
                icon={<AppstoreOutlined />}
                onClick={() =>
                  void navigate(
                    `/app/${object}/kanban?field=${picklists.find((p) => p.name === 'stage')?.name ?? picklists[0]!.name}`,
                  )
                }
              >
                {t('app.list.kanban')}
              </Button>
            )}
            {selecting ? (
              <>
                <Button
                  type="primary"
                  icon={<MergeCellsOutlined />}
                  disabled={selected.length < 2 || selected.length > maxMergeLosers + 1}
                  title={
                    selected.length > maxMergeLosers + 1
                      ? t('app.merge.max', { count: maxMergeLosers })
                      : t('app.merge.pick', { count: maxMergeLosers + 1 })
                  }
                  onClick={() => void navigate(`/app/${object}/merge?ids=${selected.join(',')}`)}
                >
                  {t('app.merge.selected', { count: selected.length })}
                </Button>
                <BulkActions
                  object={object}
                  fields={fields}
                  selected={selected}
                  titleOf={(id) => {
                    const r = items.find((x) => x.id === id);
                    return r ? recordTitle(def, r) : id;
                  }}
                  onDone={() => setSelected([])}
                />
                <Button
                  onClick={() => {
                    setSelecting(false);
                    setSelected([]);
                  }}
                >
                  {t('app.merge.cancel')}
                </Button>
              </>
            ) : (
              <>
                <Button icon={<CheckSquareOutlined />} onClick={() => setSelecting(true)}>
                  {t('app.bulk.select')}
                </Button>
                <Button icon={<MergeCellsOutlined />} onClick={() => setSelecting(true)}>
                  {t('app.merge.button')}
                </Button>
              </>
            )}
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
              {t('app.list.import')}
            </Button>
            <Dropdown
              menu={{
                items: [
                  { key: 'csv', label: t('app.list.exportCsv') },
                  { key: 'xlsx', label: t('app.list.exportXlsx') },
                ],
                onClick: ({ key }) => {
                  setExportError(null);
                  // What the list shows: its filter, search, order and columns.
                  exportList(object, key as 'csv' | 'xlsx', {
                    filter,
                    q,
                    sort,
                    fields: ['id', ...visible.filter((n) => fields.some((f) => f.name === n)), 'owner', 'updated_at'],
                  }).catch(setExportError);
                },
              }}
            >
              <Button icon={<DownloadOutlined />}>{t('app.list.export')}</Button>
            </Dropdown>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate(`/app/${object}/new`)}>
              {t('app.list.new')}
            </Button>
          </Space>
        }
      />
      <Card styles={{ body: { padding: 0 } }}>
        <Flex gap={8} wrap align="center" style={{ padding: 12 }}>
          <Input.Search
            allowClear
            placeholder={t('app.list.search')}
            aria-label={t('app.list.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            style={{ flex: '1 1 220px', maxWidth: 360 }}
          />
          <Popover
            trigger="click"
            placement="bottomLeft"
            title={t('listwork.filter.title')}
            content={
              parsed === null ? (
                <Typography.Text type="secondary" style={{ display: 'block', maxWidth: 320 }}>
                  {t('listwork.filter.fromLink')}
                </Typography.Text>
              ) : (
                <FilterBuilder fields={filterFields} value={groups} onChange={setGroups} />
              )
            }
          >
            <Badge count={activeCount} size="small">
              <Button icon={<FilterOutlined />}>{t('app.filter.button')}</Button>
            </Badge>
          </Popover>
          {phone && (
            // Phones have no column headers to click: the order is chosen here.
            <Select
              aria-label={t('app.list.sort')}
              placeholder={t('app.list.sort')}
              allowClear
              value={sort || undefined}
              onChange={(v: string | undefined) => setSort(v ?? '')}
              style={{ minWidth: 150 }}
              options={[
                ...fields.filter(sortable),
                { name: 'updated_at', label: t('app.field.updatedAt'), type: 'datetime' },
              ].flatMap((f) => [
                { value: f.name, label: `${f.label} ↑` },
                { value: `-${f.name}`, label: `${f.label} ↓` },
              ])}
            />
          )}
          <ViewPicker
            object={object}
            value={view}
            current={{ columns: visible, filter: filter || undefined, sort: sort || undefined, q: q || undefined }}
            onChange={(v) => {
              // A view brings its own filter, order and search; conditions added on top go.
              setGroupsDraft([]);
              change((p) => {
                setOrDelete(p, 'view', v?.id);
                p.delete('filter');
                setOrDelete(p, 'sort', v?.sort);
                setOrDelete(p, 'q', v?.q);
              });
              if (v && v.columns.length > 0) setChosen(v.columns);
            }}
          />
          <ColumnChooser
            options={layoutOrder.map((n) => ({ value: n, label: fields.find((f) => f.name === n)?.label ?? n }))}
            value={visible}
            onChange={(v) => {
              setChosen(v);
              localStorage.setItem(columnsKey(object), JSON.stringify(v));
            }}
          />
          <IndexHint def={def} sort={sort} fields={fields} />
          {activeCount > 0 && (
            <Flex gap={4} wrap align="center" style={{ flexBasis: '100%' }} data-testid="active-filters">
              {linked.map((c) => (
                <ConditionTag
                  key={`linked-${c.field}`}
                  conditions={[c]}
                  fields={filterFields}
                  onClose={() => change((p) => p.delete(c.field))}
                />
              ))}
              {parsed === null && (
                <FilterTextTag text={filterParam} fields={filterFields} onClose={() => removeFromFilter([])} />
              )}
              {liveGroups.length === 1 &&
                liveGroups[0]!.map((c, i) => (
                  <ConditionTag
                    key={i}
                    conditions={[c]}
                    fields={filterFields}
                    onClose={() => removeFromFilter([liveGroups[0]!.filter((_, j) => j !== i)])}
                  />
                ))}
              {liveGroups.length > 1 &&
                liveGroups.map((g, gi) => (
                  <Fragment key={gi}>
                    {gi > 0 && <Typography.Text type="secondary">{t('listwork.filter.or')}</Typography.Text>}
                    <ConditionTag
                      conditions={g}
                      fields={filterFields}
                      onClose={() => removeFromFilter(liveGroups.filter((_, j) => j !== gi))}
                    />
                  </Fragment>
                ))}
            </Flex>
          )}
        </Flex>
        {exportError !== null && (
          <Alert type="error" showIcon closable message={errorText(exportError, t)} style={{ margin: 12 }} />
        )}
        {page.isError && (
          <Alert
            type="error"
            showIcon
            message={t('app.list.loadFailed')}
            description={errorText(page.error, t)}
            style={{ margin: 12 }}
          />
        )}
        <Table<RecordData>
          // The sort hint only over the sort arrows: over the whole header it stayed open under a
          // pointer on its way up and covered the view picker above (indexes.spec failed on it).
          showSorterTooltip={{ target: 'sorter-icon' }}
          rowKey="id"
          columns={phone ? phoneColumns : columns}
          dataSource={items}
          loading={page.isFetching}
          pagination={false}
          // As wide as the card: long texts wrap rather than push the last columns out of it; it
          // scrolls sideways only when the columns cannot fit at all.
          scroll={{ x: true }}
          rowSelection={
            selecting ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) } : undefined
          }
          onRow={(r) => ({
            // A click on the tick box selects the row for a merge; elsewhere it opens the record.
            // A cell that edits in place waits a moment: a double click there edits instead.
            onClick: (e) => {
              const target = e.target as HTMLElement;
              if (target.closest('.ant-table-selection-column, [data-testid="inline-editor"], .crm-inline-edit'))
                return;
              if (!target.closest('[data-inline-cell]')) return void navigate(`/app/${object}/${r.id}`);
              if (e.detail > 1) return;
              window.clearTimeout(opening.current);
              opening.current = window.setTimeout(() => void navigate(`/app/${object}/${r.id}`), 300);
            },
            onDoubleClick: () => window.clearTimeout(opening.current),
            style: { cursor: 'pointer' },
          })}
          onChange={(_, __, sorter) => {
            const s = Array.isArray(sorter) ? sorter[0] : sorter;
            const key = s?.columnKey ? String(s.columnKey) : '';
            setSort(!key || !s?.order ? '' : s.order === 'descend' ? `-${key}` : key);
          }}
          locale={{
            emptyText: page.isPending ? (
              <div style={{ height: 120 }} />
            ) : (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={q || filter ? t('app.list.noMatches') : t('app.list.empty')}
              />
            ),
          }}
        />
        <Flex justify="space-between" align="center" style={{ padding: 12 }}>
          <Typography.Text type="secondary">{t('app.list.page', { page: cursors.length })}</Typography.Text>
          <Space>
            <Button
              icon={<LeftOutlined />}
              disabled={cursors.length < 2}
              onClick={() =>
                change(
                  (p) => {
                    p.delete('cursor');
                    for (const c of cursors.slice(1, -1)) p.append('cursor', c);
                  },
                  { keepPage: true },
                )
              }
            >
              {t('app.list.prev')}
            </Button>
            <Button
              disabled={!page.data?.next_cursor}
              onClick={() => change((p) => p.append('cursor', page.data!.next_cursor), { keepPage: true })}
            >
              {t('app.list.next')} <RightOutlined />
            </Button>
          </Space>
        </Flex>
      </Card>
      <ImportWizard object={object} def={def} open={importing} onClose={() => setImporting(false)} />
    </>
  );
}
