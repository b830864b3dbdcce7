import { ArrowLeftOutlined, EditOutlined, LockOutlined, MergeCellsOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Result,
  Row,
  Skeleton,
  Space,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { evaluateForm, useForm, type FormField } from '../api/forms';
import { poolOwner, useObjects } from '../api/objects';
import { recordsApi } from '../api/records';
import { useMe } from '../api/auth';
import { useRecordApprovals, useSla } from '../api/work';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { pickLabel } from '../i18n/locale';
import { ActivityTimeline } from './ActivityTimeline';
import { ApprovalPanel } from './ApprovalPanel';
import { AutomationButtons } from './AutomationButtons';
import { FieldValue } from '../fields/registry';
import { PoolButtons } from './PoolButtons';
import { FollowUpButtons } from './FollowUpButtons';
import { HistoryTimeline } from './HistoryTimeline';
import { relationsTo, recordTitle, useLookupNames, usePeopleById } from './meta';
import { FavouriteButton } from '../search/GlobalSearch';
import { RelatedList } from './RelatedList';
import { SlaBadges } from './SlaBadges';

/** A lookup value in the read view, by name. */
function LookupValue({ field, value }: { field: FormField; value: unknown }) {
  const names = useLookupNames(field.target, typeof value === 'string' ? [value] : []);
  return <FieldValue field={field} value={value} names={names.data} />;
}

/**
 * One record: fields by layout, SLA, approval, one-click follow-ups, manual automations, related
 * records, the activity timeline and history.
 */
export default function RecordPage() {
  const { object = '', id = '' } = useParams();
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const form = useForm(object);
  const objects = useObjects();
  const people = usePeopleById();
  const record = useQuery({
    queryKey: ['record', object, id],
    queryFn: ({ signal }) => recordsApi.get(object, id, signal),
  });
  const sla = useSla(object, id, !!record.data?.sla_status);
  // A record waiting for an approval refuses edits (409 record_locked) except from admins: say
  // so before the user tries, and why.
  const approvals = useRecordApprovals(object, id);
  const me = useMe();
  const pending = approvals.data?.find((a) => a.status === 'pending');
  const lockedWhy =
    pending && me.data && !me.data.roles.includes('admin')
      ? t('app.record.locked', {
          who: people[pending.submitter] ?? pending.submitter,
          at: dayjs(pending.submitted_at).format('lll'),
        })
      : null;
  // A record its pool owns is changed by the pool's managers (and admins); its members claim it
  // first (PoolButtons), so Edit says so instead of failing on save.
  const pool = objects.data
    ?.find((o) => o.name === object)
    ?.pools?.find((p) => poolOwner(p.name) === record.data?.owner);
  const poolWhy =
    pool &&
    me.data &&
    !me.data.roles.includes('admin') &&
    !(pool.managers?.roles ?? []).some((r) => me.data?.roles.includes(r))
      ? t('app.pool.inPool', { pool: pickLabel(pool.label, locale, pool.name) })
      : null;
  const editWhy = lockedWhy ?? poolWhy;
  // Conditions decide the read view too: a field hidden by visible_when is not shown.
  const visibility = useQuery({
    queryKey: ['visibility', object, id, record.data?.version],
    enabled: !!record.data && !!form.data,
    queryFn: ({ signal }) => {
      const props = (form.data!.schema.properties ?? {}) as Record<string, { readOnly?: boolean }>;
      const values = Object.fromEntries(
        Object.entries(record.data!).filter(([k, v]) => props[k] && !props[k].readOnly && v !== null),
      );
      return evaluateForm(object, values, id, signal);
    },
  });

  // A merged record's address tells where it went (410 record_merged with merged_into).
  const merged = record.error instanceof ApiError && record.error.code === 'record_merged' ? record.error : null;
  if (merged) {
    const into = (merged.details as { merged_into?: string } | undefined)?.merged_into ?? '';
    return (
      <Result
        status="info"
        title={t('app.merged.title')}
        subTitle={t('app.merged.text')}
        extra={
          <Link to={`/app/${object}/${into}`} data-testid="merged-into">
            {t('app.merged.open')}
          </Link>
        }
      />
    );
  }
  if (record.isError || form.isError) {
    return (
      <Result
        status="404"
        title={t('app.record.notFound')}
        subTitle={errorText(record.error ?? form.error, t)}
        extra={<Button onClick={() => void navigate(`/app/${object}`)}>{t('app.record.backToList')}</Button>}
      />
    );
  }
  if (!record.data || !form.data) return <Skeleton active paragraph={{ rows: 10 }} />;

  const r = record.data;
  const f = form.data;
  const def = objects.data?.find((o) => o.name === object);
  const byName = new Map(f.fields.map((x) => [x.name, x]));
  const sections =
    f.sections.length > 0 ? f.sections : [{ label: f.label, columns: 2, fields: f.fields.map((x) => x.name) }];
  const relations = relationsTo(objects.data, object);
  const status = f.fields.find((x) => x.type === 'picklist' && ['status', 'stage'].includes(x.name));

  return (
    <>
      <Flex justify="space-between" align="flex-start" gap={16} wrap style={{ marginBottom: 16 }}>
        <div style={{ minWidth: 0 }}>
          <Button
            type="link"
            icon={<ArrowLeftOutlined />}
            style={{ paddingInline: 0 }}
            onClick={() => void navigate(`/app/${object}`)}
          >
            {f.label}
          </Button>
          <Flex align="center" gap={8} wrap>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {recordTitle(def, r)}
            </Typography.Title>
            <FavouriteButton object={object} id={String(r.id)} title={recordTitle(def, r)} />
            {/* No badge, and no "—" in its place, while the record has no status. */}
            {status && r[status.name] != null && r[status.name] !== '' && (
              <FieldValue field={status} value={r[status.name]} />
            )}
            {r.stale === true && <Tag color="orange">{t('app.kanban.stale')}</Tag>}
          </Flex>
          {sla.data && (
            <div style={{ marginTop: 8 }}>
              <SlaBadges sla={sla.data} />
            </div>
          )}
        </div>
        <Space wrap>
          <PoolButtons def={def} object={object} record={r} />
          <FollowUpButtons objects={objects.data} object={object} record={r} />
          <AutomationButtons object={object} id={id} version={r.version} />
          <Button icon={<MergeCellsOutlined />} onClick={() => void navigate(`/app/${object}/merge?ids=${id}`)}>
            {t('app.merge.button')}
          </Button>
          <Tooltip title={editWhy}>
            <Button
              type={pool ? 'default' : 'primary'}
              icon={editWhy ? <LockOutlined /> : <EditOutlined />}
              disabled={!!editWhy}
              onClick={() => void navigate(`/app/${object}/${id}/edit`)}
            >
              {t('app.record.edit')}
            </Button>
          </Tooltip>
        </Space>
      </Flex>
      {lockedWhy && (
        <Alert
          type="info"
          showIcon
          icon={<LockOutlined />}
          message={lockedWhy}
          data-testid="record-locked"
          style={{ marginBottom: 16 }}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Flex vertical gap={16}>
            {sections.map((s, i) => {
              const shown = s.fields
                .map((n) => byName.get(n))
                .filter((x): x is FormField => !!x && visibility.data?.fields[x.name]?.visible !== false);
              if (shown.length === 0) return null;
              return (
                <Card key={i} title={s.label} size="small">
                  <Descriptions
                    layout="vertical"
                    colon={false}
                    size="small"
                    column={{ xs: 1, sm: Math.min(s.columns ?? 2, 2), md: s.columns ?? 2 }}
                    items={shown.map((x) => ({
                      key: x.name,
                      label: x.label,
                      children:
                        x.type === 'lookup' ? (
                          <LookupValue field={x} value={r[x.name]} />
                        ) : (
                          <FieldValue field={x} value={r[x.name]} people={people} />
                        ),
                    }))}
                  />
                </Card>
              );
            })}
            <Card size="small">
              <Tabs
                items={[
                  {
                    key: 'related',
                    label: t('app.record.related'),
                    children:
                      relations.length === 0 ? (
                        <Typography.Text type="secondary">{t('app.record.noRelations')}</Typography.Text>
                      ) : (
                        <Flex vertical gap={20}>
                          {relations.map((rel) => (
                            <RelatedList
                              key={`${rel.object.name}.${rel.field.name}`}
                              object={rel.object}
                              field={rel.field.name}
                              id={id}
                            />
                          ))}
                        </Flex>
                      ),
                  },
                  {
                    key: 'history',
                    label: t('app.record.history'),
                    children: <HistoryTimeline object={object} id={id} fields={f.fields} people={people} />,
                  },
                ]}
              />
            </Card>
          </Flex>
        </Col>
        <Col xs={24} lg={8}>
          <Flex vertical gap={16}>
            <ApprovalPanel object={object} id={id} people={people} />
            <Card size="small" title={t('app.activity.title')}>
              <ActivityTimeline object={object} id={id} objects={objects.data} fields={f.fields} people={people} />
            </Card>
            <Card size="small" title={t('app.record.info')}>
              <Descriptions
                size="small"
                colon={false}
                column={1}
                items={[
                  { key: 'owner', label: t('app.field.owner'), children: people[String(r.owner)] ?? '—' },
                  {
                    key: 'created',
                    label: t('app.field.createdAt'),
                    children: dayjs(String(r.created_at)).format('lll'),
                  },
                  {
                    key: 'updated',
                    label: t('app.field.updatedAt'),
                    children: dayjs(String(r.updated_at)).format('lll'),
                  },
                  { key: 'version', label: t('app.field.version'), children: r.version },
                ]}
              />
            </Card>
          </Flex>
        </Col>
      </Row>
    </>
  );
}
