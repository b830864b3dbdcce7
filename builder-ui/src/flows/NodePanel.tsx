import { DeleteOutlined } from '@ant-design/icons';
import { Button, Flex, Input, InputNumber, Segmented, Select, Tag, Typography } from 'antd';
import type { ApprovalMode, FlowNodeDef, OnTimeout } from '../api/approvalProcesses';
import { useCalendars } from '../api/calendars';
import type { ObjectDef } from '../api/objects';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { ApproverEditor } from './ApproverEditor';
import { kindLook } from './kinds';
import { LabelInputs } from './LabelInputs';
import { PanelField } from './PanelField';
import { ProblemList } from './ProblemList';
import { UpdatesEditor } from './UpdatesEditor';

const modes: ApprovalMode[] = ['any', 'all', 'threshold'];
const onTimeouts: OnTimeout[] = ['escalate', 'approve', 'reject'];

/** The settings of the selected step. */
export function NodePanel({
  def,
  problems,
  object,
  onChange,
  onDelete,
}: {
  def: FlowNodeDef;
  problems: string[];
  object?: ObjectDef;
  onChange: (d: FlowNodeDef) => void;
  onDelete: () => void;
}) {
  const { t, locale } = useI18n();
  const calendars = useCalendars();
  const look = kindLook[def.kind];
  const set = (patch: Partial<FlowNodeDef>) => onChange({ ...def, ...patch });
  const ends = def.kind === 'action' || def.kind === 'approved' || def.kind === 'rejected';

  return (
    <Flex vertical gap={16} data-testid="node-panel">
      <Flex justify="space-between" align="center" gap={8}>
        <div style={{ minWidth: 0 }}>
          <Tag color={look.color} icon={look.icon}>
            {t(look.name)}
          </Tag>
          <Typography.Text type="secondary" code>
            {def.id}
          </Typography.Text>
        </div>
        {def.kind !== 'start' && (
          <Button danger type="text" icon={<DeleteOutlined />} onClick={onDelete}>
            {t('flows.delete')}
          </Button>
        )}
      </Flex>
      <Typography.Text type="secondary">{t(look.hint)}</Typography.Text>
      <ProblemList problems={problems} />
      <PanelField title={t('flows.label')}>
        <LabelInputs value={def.label} onChange={(label) => set({ label })} />
      </PanelField>
      {def.kind === 'approval' && (
        <>
          <PanelField title={t('flows.approvers')}>
            <ApproverEditor value={def.approvers ?? []} onChange={(approvers) => set({ approvers })} object={object} />
          </PanelField>
          <PanelField title={t('flows.mode')}>
            <Segmented<ApprovalMode>
              block
              value={def.mode ?? 'any'}
              options={modes.map((m) => ({ value: m, label: t(`flows.mode.${m}`) }))}
              onChange={(mode) => set({ mode, threshold: mode === 'threshold' ? (def.threshold ?? 1) : undefined })}
            />
            <Typography.Text type="secondary" className="crm-panel-hint">
              {t(`flows.modeHint.${def.mode ?? 'any'}`)}
            </Typography.Text>
            {def.mode === 'threshold' && (
              <InputNumber
                aria-label={t('flows.threshold')}
                addonBefore={t('flows.threshold')}
                min={1}
                value={def.threshold ?? 1}
                onChange={(v) => set({ threshold: v ?? 1 })}
                style={{ marginTop: 8, width: '100%' }}
              />
            )}
          </PanelField>
          <PanelField title={t('flows.timeout')}>
            <Flex gap={8} wrap>
              <Input
                aria-label={t('flows.timeout')}
                placeholder={t('flows.timeoutPlaceholder')}
                value={def.timeout ?? ''}
                onChange={(e) => set({ timeout: e.target.value, on_timeout: def.on_timeout ?? 'escalate' })}
                style={{ flex: '1 1 100px' }}
              />
              <Select<OnTimeout>
                aria-label={t('flows.onTimeout')}
                disabled={!def.timeout?.trim() || undefined}
                value={def.on_timeout ?? 'escalate'}
                options={onTimeouts.map((o) => ({ value: o, label: t(`flows.onTimeout.${o}`) }))}
                onChange={(on_timeout) => set({ on_timeout })}
                style={{ flex: '1 1 140px' }}
              />
            </Flex>
            <Select<string>
              aria-label={t('flows.timeoutCalendar')}
              allowClear
              disabled={!def.timeout?.trim() || undefined}
              placeholder={t('flows.aroundTheClock')}
              value={def.calendar || undefined}
              options={(calendars.data ?? []).map((c) => ({
                value: c.name,
                label: pickLabel(c.label, locale, c.name),
              }))}
              onChange={(calendar?: string) => set({ calendar })}
              style={{ marginTop: 8, width: '100%' }}
            />
            <Typography.Text type="secondary" className="crm-panel-hint">
              {t('flows.timeoutCalendarHint')}
            </Typography.Text>
          </PanelField>
        </>
      )}
      {ends && (
        <PanelField title={t('flows.updates')}>
          <UpdatesEditor value={def.updates ?? {}} onChange={(updates) => set({ updates })} object={object} />
        </PanelField>
      )}
      {def.kind === 'condition' && <Typography.Text type="secondary">{t('flows.conditionHint')}</Typography.Text>}
    </Flex>
  );
}
