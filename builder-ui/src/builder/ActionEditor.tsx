import { DeleteOutlined } from '@ant-design/icons';
import { Button, Checkbox, Select, Space, Typography } from 'antd';
import { usePeople } from '../api/assignment';
import type { Action } from '../api/automations';
import type { Problem } from '../api/client';
import { useObjects, type PoolDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { useBuilder, type FieldRef } from './builderContext';
import { LabelInputs } from './LabelInputs';
import { PropItem } from './PropItem';
import { ValuesEditor } from './ValuesEditor';

interface Props {
  index: number;
  automation: string;
  action: Action;
  problems: Problem[];
  onChange: (a: Action) => void;
  onRemove: () => void;
}

/** One action of an automation; values are expressions over the triggering record. */
export function ActionEditor({ index, automation, action, problems, onChange, onRemove }: Props) {
  const { t, locale } = useI18n();
  const { fields, definition } = useBuilder();
  const pools = (definition.pools as PoolDef[] | undefined) ?? [];
  const objects = useObjects();
  const people = usePeople();
  const base = `/actions/${index}`;
  const placed = (rel: string) =>
    problems
      .filter((p) => p.pointer.startsWith(`${base}/${rel}`))
      .map((p) => ({ ...p, setting: p.pointer.slice(base.length + 1) }));
  const target = objects.data?.find((o) => o.name === action.object);
  const targetFields: FieldRef[] = (target?.fields ?? []).map((f) => ({
    name: f.name,
    type: f.type,
    label: pickLabel(f.label, locale, f.name),
  }));
  const to = action.to ?? {};
  return (
    <div className="crm-action" data-testid={`action-${index}`}>
      <Space className="crm-action-head">
        <Typography.Text strong>
          {index + 1}. {t(`auto.action.${action.type}` as 'auto.action.update')}
        </Typography.Text>
        <Button
          type="text"
          size="small"
          icon={<DeleteOutlined />}
          aria-label={t('auto.removeAction', { n: index + 1 })}
          onClick={onRemove}
        />
      </Space>
      {problems
        .filter((p) => p.pointer === base || p.pointer === `${base}/type`)
        .map((p) => (
          <Typography.Paragraph key={p.code} type="danger">
            {p.message}
          </Typography.Paragraph>
        ))}
      {action.type === 'update' && (
        <ValuesEditor
          id={`${automation}-${index}`}
          fields={fields}
          values={action.values ?? {}}
          onChange={(values) => onChange({ ...action, values })}
          problems={placed('values')}
        />
      )}
      {action.type === 'create' && (
        <>
          <PropItem
            label={t('auto.createObject')}
            problems={placed('object')}
            htmlFor={`${automation}-${index}-object`}
          >
            <Select
              id={`${automation}-${index}-object`}
              value={action.object}
              onChange={(object: string) => onChange({ ...action, object, values: {} })}
              options={(objects.data ?? []).map((o) => ({ value: o.name, label: pickLabel(o.label, locale, o.name) }))}
            />
          </PropItem>
          {target && (
            <ValuesEditor
              id={`${automation}-${index}`}
              fields={targetFields}
              values={action.values ?? {}}
              onChange={(values) => onChange({ ...action, values })}
              problems={placed('values')}
            />
          )}
        </>
      )}
      {action.type === 'notify' && (
        <>
          <PropItem label={t('auto.notifyTo')} problems={placed('to')}>
            <Space wrap>
              <Checkbox
                checked={!!to.owner}
                onChange={(e) => onChange({ ...action, to: { ...to, owner: e.target.checked || undefined } })}
              >
                {t('auto.owner')}
              </Checkbox>
              <Checkbox
                checked={!!to.manager}
                onChange={(e) => onChange({ ...action, to: { ...to, manager: e.target.checked || undefined } })}
              >
                {t('auto.manager')}
              </Checkbox>
              <Select
                mode="multiple"
                aria-label={t('auto.users')}
                placeholder={t('auto.users')}
                optionFilterProp="label"
                style={{ minWidth: 200 }}
                value={to.users ?? []}
                onChange={(users: string[]) =>
                  onChange({ ...action, to: { ...to, users: users.length ? users : undefined } })
                }
                options={(people.data ?? []).map((u) => ({ value: u.id, label: u.name || u.email }))}
              />
            </Space>
          </PropItem>
          <LabelInputs
            what="title"
            value={action.title}
            onChange={(title) => onChange({ ...action, title })}
            problems={placed('title')}
          />
          <LabelInputs
            what="message"
            value={action.message}
            onChange={(message) => onChange({ ...action, message })}
            problems={placed('message')}
            textarea
          />
        </>
      )}
      {action.type === 'assign' && <Typography.Paragraph type="secondary">{t('auto.assignHint')}</Typography.Paragraph>}
      {/* Set up in their own screens (email templates, webhooks, approval flows): shown, kept on save. */}
      {action.type === 'email' && (
        <Typography.Paragraph type="secondary">
          {t('auto.emailHint', { template: action.template ?? '—' })}
        </Typography.Paragraph>
      )}
      {action.type === 'webhook' && (
        <Typography.Paragraph type="secondary">
          {t('auto.webhookHint', { url: action.url ?? '—' })}
        </Typography.Paragraph>
      )}
      {action.type === 'approval' && (
        <Typography.Paragraph type="secondary">
          {t('auto.approvalHint', { process: action.process ?? '—' })}
        </Typography.Paragraph>
      )}
      {action.type === 'return_to_pool' && (
        <>
          <PropItem label={t('auto.pool')} problems={placed('pool')} htmlFor={`${automation}-${index}-pool`}>
            <Select
              id={`${automation}-${index}-pool`}
              allowClear
              placeholder={t('auto.poolClaimedFrom')}
              value={action.pool || undefined}
              onChange={(pool?: string) => onChange({ ...action, pool: pool || undefined })}
              options={pools.map((p) => ({ value: p.name, label: pickLabel(p.label, locale, p.name) }))}
            />
          </PropItem>
          <LabelInputs
            what="reason"
            value={action.reason}
            onChange={(reason) => onChange({ ...action, reason })}
            problems={placed('reason')}
          />
        </>
      )}
    </div>
  );
}
