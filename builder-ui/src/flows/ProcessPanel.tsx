import { Flex, Switch, Typography } from 'antd';
import type { ObjectDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { ExpressionInput } from './ExpressionInput';
import type { FlowMeta } from './flowModel';
import { LabelInputs } from './LabelInputs';
import { PanelField } from './PanelField';
import { UpdatesEditor } from './UpdatesEditor';

/** The process's own settings, shown while nothing on the canvas is selected. */
export function ProcessPanel({
  meta,
  object,
  onChange,
}: {
  meta: FlowMeta;
  object?: ObjectDef;
  onChange: (m: FlowMeta) => void;
}) {
  const { t, locale } = useI18n();
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
