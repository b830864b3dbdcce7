import { DeleteOutlined } from '@ant-design/icons';
import { Button, Flex, Switch, Typography } from 'antd';
import type { FlowEdgeDef, NodeKind } from '../api/approvalProcesses';
import { useI18n } from '../i18n/context';
import { ExpressionInput } from './ExpressionInput';
import { PanelField } from './PanelField';
import { ProblemList } from './ProblemList';

/** The settings of the selected edge: a condition, or the default way out of a condition node. */
export function EdgePanel({
  def,
  fromKind,
  fromName,
  toName,
  problems,
  object,
  onChange,
  onDelete,
}: {
  def: FlowEdgeDef;
  fromKind?: NodeKind;
  fromName: string;
  toName: string;
  problems: string[];
  object: string;
  onChange: (d: FlowEdgeDef) => void;
  onDelete: () => void;
}) {
  const { t } = useI18n();
  return (
    <Flex vertical gap={16} data-testid="edge-panel">
      <Flex justify="space-between" align="center" gap={8}>
        <Typography.Text strong>
          {fromName} → {toName}
        </Typography.Text>
        <Button danger type="text" icon={<DeleteOutlined />} onClick={onDelete}>
          {t('flows.delete')}
        </Button>
      </Flex>
      <ProblemList problems={problems} />
      {fromKind === 'condition' ? (
        <>
          <PanelField title={t('flows.edge.default')}>
            <Flex gap={8} align="center">
              <Switch
                aria-label={t('flows.edge.default')}
                checked={!!def.default}
                onChange={(v) => onChange({ ...def, default: v, condition: v ? '' : def.condition })}
              />
              <Typography.Text type="secondary">{t('flows.edge.defaultHint')}</Typography.Text>
            </Flex>
          </PanelField>
          {!def.default && (
            <PanelField title={t('flows.edge.condition')}>
              <ExpressionInput
                aria-label={t('flows.edge.condition')}
                value={def.condition ?? ''}
                onChange={(condition) => onChange({ ...def, condition })}
                object={object}
                kind="condition"
                placeholder="amount >= 50000"
              />
            </PanelField>
          )}
        </>
      ) : (
        <Typography.Text type="secondary">{t('flows.edge.plain')}</Typography.Text>
      )}
    </Flex>
  );
}
