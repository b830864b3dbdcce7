import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Form, Input, Popconfirm, Select, Switch } from 'antd';
import { useState } from 'react';
import { automationsKey, deleteAutomation, saveAutomation, type Action, type Automation } from '../api/automations';
import { ApiError, type Problem } from '../api/client';
import { useI18n } from '../i18n/context';
import { ActionEditor } from './ActionEditor';
import { useBuilder } from './builderContext';
import { ExpressionEditor } from './ExpressionEditor';
import { PropItem } from './PropItem';
import { SaveRefusal } from './SaveRefusal';

const triggers = [
  'created',
  'updated',
  'created_or_updated',
  'deleted',
  'field_changed',
  'scheduled',
  'time_relative',
  'manual',
];
const actionTypes = ['update', 'create', 'notify', 'assign'];

interface Props {
  initial: Automation;
  onSaved?: () => void;
  onDiscard?: () => void;
}

/** One automation: when (trigger and condition) and what (actions), saved with If-Match. */
export function AutomationCard({ initial, onSaved, onDiscard }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const { fields, definition } = useBuilder();
  // return_to_pool only where the object has pools to return to.
  const types =
    Array.isArray(definition.pools) && definition.pools.length > 0 ? [...actionTypes, 'return_to_pool'] : actionTypes;
  const [a, setA] = useState(initial);
  const isNew = !initial.version;
  const refresh = () => queryClient.invalidateQueries({ queryKey: automationsKey(a.object) });
  const save = useMutation({
    mutationFn: () => saveAutomation(a),
    onSuccess: async (s) => {
      message.success(t('auto.saved', { name: s.name, version: s.version ?? 0 }));
      await refresh();
      onSaved?.();
    },
  });
  const remove = useMutation({ mutationFn: () => deleteAutomation(a), onSuccess: () => void refresh() });
  const problems: Problem[] = save.error instanceof ApiError ? save.error.problems : [];
  const at = (p: string) => problems.filter((x) => x.pointer === p).map((x) => ({ ...x, setting: p }));
  const under = (p: string) => problems.filter((x) => x.pointer.startsWith(p));
  const tr = a.trigger;
  const setTrigger = (patch: Partial<Automation['trigger']>) => setA({ ...a, trigger: { ...tr, ...patch } });
  const id = (k: string) => `auto-${a.name}-${k}`;
  const fieldOptions = fields.map((f) => ({ value: f.name, label: f.label }));
  // Only fields its update actions set can be controlled (the server refuses others, not_updated);
  // a listed one no longer set stays an option so that it can be removed.
  const updated = new Set(
    a.actions
      .filter((x) => x.type === 'update')
      .flatMap((x) => [...Object.keys(x.values ?? {}), ...Object.keys(x.link ?? {})]),
  );
  const controlled = a.controlled_fields ?? [];
  const controlOptions = [
    ...fieldOptions.filter((f) => updated.has(f.value)),
    ...controlled
      .filter((c) => !updated.has(c) || !fields.some((f) => f.name === c))
      .map((c) => fieldOptions.find((f) => f.value === c) ?? { value: c, label: c }),
  ];
  const dateFields = fields
    .filter((f) => f.type === 'date' || f.type === 'datetime')
    .map((f) => ({ value: f.name, label: f.label }));

  return (
    <Card
      size="small"
      className="crm-rule"
      data-testid={`automation-${a.name}`}
      title={a.name}
      extra={
        <Flex gap={8} align="center">
          <Switch
            size="small"
            checked={!a.disabled}
            onChange={(on) => setA({ ...a, disabled: !on })}
            aria-label={t('auto.enabled')}
          />
          {isNew ? (
            <Button
              type="text"
              size="small"
              icon={<DeleteOutlined />}
              aria-label={t('auto.discard')}
              onClick={onDiscard}
            />
          ) : (
            <Popconfirm title={t('auto.deleteConfirm')} onConfirm={() => remove.mutate()} okText={t('common.remove')}>
              <Button type="text" size="small" icon={<DeleteOutlined />} aria-label={t('auto.delete')} />
            </Popconfirm>
          )}
        </Flex>
      }
    >
      {save.isError && <SaveRefusal error={save.error} testId="automation-error" />}
      <Form layout="vertical" component="div">
        <div className="crm-props-row">
          <PropItem label={t('auto.name')} problems={at('/name')} htmlFor={id('name')}>
            <Input
              id={id('name')}
              value={a.name}
              disabled={!isNew}
              onChange={(e) => setA({ ...a, name: e.target.value })}
            />
          </PropItem>
          <PropItem label={t('auto.trigger')} problems={at('/trigger/type')} htmlFor={id('trigger')}>
            <Select
              id={id('trigger')}
              value={tr.type}
              onChange={(type: string) => setA({ ...a, trigger: { type } })}
              options={triggers.map((v) => ({ value: v, label: t(`auto.trigger.${v}` as 'auto.trigger.created') }))}
            />
          </PropItem>
        </div>
        {tr.type === 'field_changed' && (
          <PropItem
            label={t('auto.fields')}
            problems={under('/trigger/fields').map((p) => ({ ...p, setting: '' }))}
            htmlFor={id('fields')}
          >
            <Select
              id={id('fields')}
              mode="multiple"
              value={tr.fields ?? []}
              onChange={(v: string[]) => setTrigger({ fields: v })}
              options={fieldOptions}
            />
          </PropItem>
        )}
        {tr.type === 'scheduled' && (
          <div className="crm-props-row">
            <PropItem
              label={t('auto.cron')}
              problems={at('/trigger/cron')}
              htmlFor={id('cron')}
              extra={t('auto.cronHint')}
            >
              <Input
                id={id('cron')}
                className="crm-mono"
                value={tr.cron ?? ''}
                onChange={(e) => setTrigger({ cron: e.target.value })}
              />
            </PropItem>
            <PropItem label={t('auto.filter')} problems={at('/trigger/filter')} htmlFor={id('filter')}>
              <Input
                id={id('filter')}
                className="crm-mono"
                value={tr.filter ?? ''}
                onChange={(e) => setTrigger({ filter: e.target.value || undefined })}
              />
            </PropItem>
          </div>
        )}
        {tr.type === 'time_relative' && (
          <div className="crm-props-row">
            <PropItem label={t('auto.field')} problems={at('/trigger/field')} htmlFor={id('field')}>
              <Select
                id={id('field')}
                value={tr.field}
                onChange={(v: string) => setTrigger({ field: v })}
                options={dateFields}
              />
            </PropItem>
            <PropItem
              label={t('auto.offset')}
              problems={at('/trigger/offset')}
              htmlFor={id('offset')}
              extra={t('auto.offsetHint')}
            >
              <Input
                id={id('offset')}
                className="crm-mono"
                value={tr.offset ?? ''}
                onChange={(e) => setTrigger({ offset: e.target.value })}
              />
            </PropItem>
          </div>
        )}
        <PropItem label={t('auto.condition')} htmlFor={id('condition')}>
          <ExpressionEditor
            id={id('condition')}
            testId={`auto-${a.name}-condition`}
            value={a.condition ?? ''}
            onChange={(condition) => setA({ ...a, condition: condition || undefined })}
            kind="condition"
            problems={at('/condition')}
            placeholder={t('assign.always')}
          />
        </PropItem>
        {a.actions.map((x, i) => (
          <ActionEditor
            key={i}
            index={i}
            automation={a.name}
            action={x}
            problems={under(`/actions/${i}`)}
            onChange={(next: Action) => setA({ ...a, actions: a.actions.map((y, j) => (j === i ? next : y)) })}
            onRemove={() => setA({ ...a, actions: a.actions.filter((_, j) => j !== i) })}
          />
        ))}
        <Flex gap={8} wrap className="crm-gap">
          {types.map((type) => (
            <Button
              key={type}
              size="small"
              icon={<PlusOutlined />}
              onClick={() =>
                setA({
                  ...a,
                  actions: [
                    ...a.actions,
                    type === 'notify'
                      ? { type, to: { owner: true }, title: {} }
                      : type === 'assign'
                        ? { type }
                        : type === 'return_to_pool'
                          ? { type, reason: {} }
                          : { type, values: {} },
                  ],
                })
              }
            >
              {t(`auto.action.${type}` as 'auto.action.update')}
            </Button>
          ))}
        </Flex>
        <PropItem
          label={t('auto.controlled')}
          problems={under('/controlled_fields').map((p) => ({ ...p, setting: '' }))}
          htmlFor={id('controlled')}
          extra={t('auto.controlledHint')}
        >
          <Select
            id={id('controlled')}
            mode="multiple"
            allowClear
            value={controlled}
            onChange={(v: string[]) => setA({ ...a, controlled_fields: v.length ? v : undefined })}
            options={controlOptions}
          />
        </PropItem>
      </Form>
      <Flex justify="end">
        <Button type="primary" loading={save.isPending} onClick={() => save.mutate()}>
          {t('auto.save')}
        </Button>
      </Flex>
    </Card>
  );
}
