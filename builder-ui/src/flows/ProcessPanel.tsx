import { Flex, Select, Switch, Tag, Typography } from 'antd';
import type { Problem } from '../api/client';
import type { ObjectDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { ExpressionInput } from './ExpressionInput';
import type { FlowMeta } from './flowModel';
import { LabelInputs } from './LabelInputs';
import { PanelField } from './PanelField';
import { ProblemList } from './ProblemList';
import { UpdatesEditor } from './UpdatesEditor';

/** The process's own settings, shown while nothing on the canvas is selected. */
export function ProcessPanel({
  meta,
  object,
  updated,
  problems,
  onChange,
}: {
  meta: FlowMeta;
  object?: ObjectDef;
  /** The fields the process's updates set: controlled whether listed or not. */
  updated: string[];
  /** The save's problems of controlled_fields (/controlled_fields/1: the second one named). */
  problems: Problem[];
  onChange: (m: FlowMeta) => void;
}) {
  const { t, locale } = useI18n();
  const controlled = meta.controlled_fields ?? [];
  const fieldName = (name: string) => pickLabel(object?.fields.find((f) => f.name === name)?.label, locale, name);
  // Fields that can be set; one no longer on the object stays listed, so that it can be removed.
  const settable = (object?.fields ?? []).filter((f) => f.type !== 'formula' && f.type !== 'autonumber');
  const options = [
    ...settable.map((f) => ({ value: f.name, label: pickLabel(f.label, locale, f.name) })),
    ...controlled.filter((c) => !settable.some((f) => f.name === c)).map((c) => ({ value: c, label: c })),
  ];
  return (
    <Flex vertical gap={16} data-testid="process-panel">
      <Typography.Text type="secondary">{t('flows.selectHint')}</Typography.Text>
      <PanelField title={t('flows.object')}>
        <Typography.Text>
          {pickLabel(object?.label, locale, meta.object)} <Typography.Text code>{meta.object}</Typography.Text>
        </Typography.Text>
      </PanelField>
      <PanelField title={t('flows.processLabel')}>
        <LabelInputs value={meta.label} onChange={(label) => onChange({ ...meta, label })} />
      </PanelField>
      <PanelField title={t('flows.entryCondition')}>
        <ExpressionInput
          aria-label={t('flows.entryCondition')}
          value={meta.entry_condition ?? ''}
          onChange={(entry_condition) => onChange({ ...meta, entry_condition })}
          object={meta.object}
          kind="condition"
          placeholder={t('flows.entryPlaceholder')}
        />
      </PanelField>
      <PanelField title={t('flows.recallUpdates')}>
        <UpdatesEditor
          value={meta.recall_updates ?? {}}
          onChange={(recall_updates) => onChange({ ...meta, recall_updates })}
          object={object}
        />
      </PanelField>
      <PanelField title={t('flows.controlledFields')}>
        <Flex vertical gap={8} data-testid="controlled-fields">
          <Select
            aria-label={t('flows.controlledFields')}
            mode="multiple"
            allowClear
            showSearch
            optionFilterProp="label"
            status={problems.length ? 'error' : undefined}
            placeholder={t('flows.controlledPlaceholder')}
            value={controlled}
            options={options}
            onChange={(v: string[]) => onChange({ ...meta, controlled_fields: v })}
          />
          <ProblemList problems={problems.map((p) => p.message)} />
          <Typography.Text type="secondary">{t('flows.controlledHelp')}</Typography.Text>
          {updated.length > 0 && (
            <div data-testid="controlled-by-updates">
              <Typography.Text type="secondary">{t('flows.controlledUpdated')} </Typography.Text>
              {updated.map((f) => (
                <Tag key={f} title={f}>
                  {fieldName(f)}
                </Tag>
              ))}
            </div>
          )}
        </Flex>
      </PanelField>
      <PanelField title={t('flows.skipRepeat')}>
        <Flex vertical gap={4}>
          <Switch
            aria-label={t('flows.skipRepeat')}
            checked={!!meta.skip_repeat_approvers}
            onChange={(on) => onChange({ ...meta, skip_repeat_approvers: on })}
            style={{ alignSelf: 'flex-start' }}
          />
          <Typography.Text type="secondary">{t('flows.skipRepeatHelp')}</Typography.Text>
        </Flex>
      </PanelField>
      <PanelField title={t('flows.enabled')}>
        <Switch
          aria-label={t('flows.enabled')}
          checked={!meta.disabled}
          onChange={(on) => onChange({ ...meta, disabled: !on })}
        />
      </PanelField>
    </Flex>
  );
}
