import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Flex, InputNumber, Select } from 'antd';
import type { Approver, ApproverType } from '../api/approvalProcesses';
import type { ObjectDef } from '../api/objects';
import { useRoles, useTeams, useUsers } from '../api/people';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';

const types: ApproverType[] = ['manager', 'team', 'role', 'user', 'field'];

/** Who answers an approval step: one row per approver rule, its type and whom it names. */
export function ApproverEditor({
  value,
  onChange,
  object,
}: {
  value: Approver[];
  onChange: (v: Approver[]) => void;
  object?: ObjectDef;
}) {
  const { t, locale } = useI18n();
  const users = useUsers();
  const teams = useTeams();
  const roles = useRoles();
  const set = (i: number, a: Approver) => onChange(value.map((x, j) => (j === i ? a : x)));
  const userFields = (object?.fields ?? []).filter((f) => f.type === 'user');

  const target = (a: Approver, i: number) => {
    const common = { style: { flex: 1, minWidth: 0 }, 'aria-label': t('flows.approverWho', { n: i + 1 }) };
    switch (a.type) {
      case 'manager':
        return (
          <InputNumber
            {...common}
            min={1}
            max={10}
            value={a.levels ?? 1}
            addonBefore={t('flows.levels')}
            onChange={(v) => set(i, { ...a, levels: v ?? 1 })}
          />
        );
      case 'team':
        return (
          <Select
            {...common}
            showSearch
            optionFilterProp="label"
            value={a.team || undefined}
            placeholder={t('flows.pickTeam')}
            loading={teams.isPending}
            options={(teams.data ?? []).map((x) => ({ value: x.id, label: pickLabel(x.label, locale, x.id) }))}
            onChange={(v: string) => set(i, { ...a, team: v })}
          />
        );
      case 'role':
        return (
          <Select
            {...common}
            showSearch
            optionFilterProp="label"
            value={a.role || undefined}
            placeholder={t('flows.pickRole')}
            loading={roles.isPending}
            options={(roles.data ?? []).map((x) => ({ value: x.name, label: pickLabel(x.label, locale, x.name) }))}
            onChange={(v: string) => set(i, { ...a, role: v })}
          />
        );
      case 'user':
        return (
          <Select
            {...common}
            mode="multiple"
            showSearch
            optionFilterProp="label"
            value={a.users ?? []}
            placeholder={t('flows.pickUsers')}
            loading={users.isPending}
            options={(users.data ?? [])
              .filter((u) => u.active)
              .map((u) => ({ value: u.id, label: u.name ? `${u.name} (${u.email})` : u.email }))}
            onChange={(v: string[]) => set(i, { ...a, users: v })}
          />
        );
      case 'field':
        return (
          <Select
            {...common}
            value={a.field || undefined}
            placeholder={t('flows.pickField')}
            options={userFields.map((f) => ({ value: f.name, label: pickLabel(f.label, locale, f.name) }))}
            onChange={(v: string) => set(i, { ...a, field: v })}
          />
        );
    }
  };

  return (
    <Flex vertical gap={8}>
      {value.map((a, i) => (
        <Flex key={i} gap={8} align="flex-start" className="crm-approver-row">
          <Select
            aria-label={t('flows.approverType', { n: i + 1 })}
            value={a.type}
            style={{ width: 116, flex: 'none' }}
            options={types.map((x) => ({ value: x, label: t(`flows.approverType.${x}`) }))}
            onChange={(type: ApproverType) => set(i, { type })}
          />
          {target(a, i)}
          <Button
            type="text"
            icon={<DeleteOutlined />}
            aria-label={t('flows.removeApprover', { n: i + 1 })}
            onClick={() => onChange(value.filter((_, j) => j !== i))}
          />
        </Flex>
      ))}
      <Button icon={<PlusOutlined />} onClick={() => onChange([...value, { type: 'manager', levels: 1 }])}>
        {t('flows.addApprover')}
      </Button>
    </Flex>
  );
}
