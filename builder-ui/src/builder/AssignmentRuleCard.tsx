import { DeleteOutlined, HolderOutlined } from '@ant-design/icons';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Button, Card, Form, Input, Select } from 'antd';
import { usePeople, useTeams, type AssignmentRule, type AssignTarget } from '../api/assignment';
import type { Problem } from '../api/client';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { useBuilder } from './builderContext';
import { ExpressionEditor } from './ExpressionEditor';
import { PropItem } from './PropItem';

interface Props {
  id: string;
  index: number;
  rule: AssignmentRule;
  problems: Problem[];
  onChange: (r: AssignmentRule) => void;
  onRemove: () => void;
}

const targetTypes: AssignTarget['type'][] = ['user', 'round_robin', 'least_loaded', 'skills', 'lookup_owner'];

export function AssignmentRuleCard({ id, index, rule, problems, onChange, onRemove }: Props) {
  const { t, locale } = useI18n();
  const { fields } = useBuilder();
  const people = usePeople();
  const teams = useTeams();
  const s = useSortable({ id });
  const base = `/rules/${index}`;
  const at = (k: string) => problems.filter((p) => p.pointer === `${base}/${k}`).map((p) => ({ ...p, setting: k }));
  const target = rule.target;
  const setTarget = (patch: Partial<AssignTarget>) => onChange({ ...rule, target: { ...target, ...patch } });
  const fid = (k: string) => `assign-${index}-${k}`;
  const userOptions = (people.data ?? [])
    .filter((u) => u.active)
    .map((u) => ({ value: u.id, label: u.name || u.email }));
  return (
    <div ref={s.setNodeRef} style={{ transform: CSS.Translate.toString(s.transform), transition: s.transition }}>
      <Card
        size="small"
        className={s.isDragging ? 'crm-rule crm-dragging' : 'crm-rule'}
        data-testid={`assign-rule-${index}`}
        title={
          <span>
            <span
              ref={s.setActivatorNodeRef}
              className="crm-section-handle"
              {...s.attributes}
              {...s.listeners}
              aria-label={t('assign.drag', { name: rule.name })}
            >
              <HolderOutlined />
            </span>{' '}
            {index + 1}. {rule.name}
          </span>
        }
        extra={
          <Button
            type="text"
            size="small"
            icon={<DeleteOutlined />}
            aria-label={t('builder.rules.remove', { name: rule.name })}
            onClick={onRemove}
          />
        }
      >
        <Form layout="vertical" component="div">
          <div className="crm-props-row">
            <PropItem label={t('builder.rules.name')} problems={at('name')} htmlFor={fid('name')}>
              <Input id={fid('name')} value={rule.name} onChange={(e) => onChange({ ...rule, name: e.target.value })} />
            </PropItem>
            <PropItem label={t('assign.targetType')} problems={at('target/type')} htmlFor={fid('type')}>
              <Select
                id={fid('type')}
                value={target.type}
                onChange={(type: AssignTarget['type']) => onChange({ ...rule, target: { type } })}
                options={targetTypes.map((v) => ({ value: v, label: t(`assign.type.${v}`) }))}
              />
            </PropItem>
          </div>
          <PropItem label={t('assign.condition')} htmlFor={fid('condition')}>
            <ExpressionEditor
              id={fid('condition')}
              testId={`assign-${index}-condition`}
              value={rule.condition ?? ''}
              onChange={(condition) => onChange({ ...rule, condition })}
              kind="condition"
              problems={at('condition')}
              placeholder={t('assign.always')}
            />
          </PropItem>
          {target.type === 'user' && (
            <PropItem label={t('assign.user')} problems={at('target/user')} htmlFor={fid('user')}>
              <Select
                id={fid('user')}
                showSearch
                optionFilterProp="label"
                value={target.user}
                onChange={(user: string) => setTarget({ user })}
                options={userOptions}
              />
            </PropItem>
          )}
          {target.type !== 'user' && (
            <div className="crm-props-row">
              <PropItem label={t('assign.team')} problems={at('target/team')} htmlFor={fid('team')}>
                <Select
                  id={fid('team')}
                  allowClear
                  value={target.team}
                  onChange={(team?: string) => setTarget({ team, users: team ? undefined : target.users })}
                  options={(teams.data ?? []).map((tm) => ({
                    value: tm.id,
                    label: pickLabel(tm.label, locale, tm.id),
                  }))}
                />
              </PropItem>
              <PropItem label={t('assign.users')} problems={at('target/users')} htmlFor={fid('users')}>
                <Select
                  id={fid('users')}
                  mode="multiple"
                  optionFilterProp="label"
                  disabled={!!target.team}
                  value={target.users ?? []}
                  onChange={(users: string[]) => setTarget({ users: users.length ? users : undefined })}
                  options={userOptions}
                />
              </PropItem>
            </div>
          )}
          {target.type === 'least_loaded' && (
            <PropItem
              label={t('assign.open')}
              problems={at('target/open')}
              htmlFor={fid('open')}
              extra={t('assign.openHint')}
            >
              <Input
                id={fid('open')}
                className="crm-mono"
                value={target.open ?? ''}
                onChange={(e) => setTarget({ open: e.target.value || undefined })}
              />
            </PropItem>
          )}
          {target.type === 'skills' && (
            <PropItem label={t('assign.field')} problems={at('target/field')} htmlFor={fid('field')}>
              <Select
                id={fid('field')}
                value={target.field}
                onChange={(field: string) => setTarget({ field })}
                options={fields.map((f) => ({ value: f.name, label: f.label }))}
              />
            </PropItem>
          )}
          {target.type === 'lookup_owner' && (
            <PropItem label={t('assign.lookupField')} problems={at('target/field')} htmlFor={fid('field')}>
              <Select
                id={fid('field')}
                value={target.field}
                onChange={(field: string) => setTarget({ field })}
                options={fields.filter((f) => f.type === 'lookup').map((f) => ({ value: f.name, label: f.label }))}
              />
            </PropItem>
          )}
        </Form>
      </Card>
    </div>
  );
}
