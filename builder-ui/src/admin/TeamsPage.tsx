import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Drawer, Form, Grid, Input, Select, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { adminKeys, deleteTeam, saveTeam, updateUser, useAdminTeams, useAdminUsers, type TeamDef } from '../api/admin';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';
import { problemsToFields } from './problems';

interface Values {
  id: string;
  en?: string;
  zh?: string;
  lead?: string;
  members: string[];
}

/** Teams with their manager (lead) and members; membership is saved on each user. */
export default function TeamsPage() {
  const { t, locale } = useI18n();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const teams = useAdminTeams();
  const users = useAdminUsers();
  const phone = !Grid.useBreakpoint().md;
  const [editing, setEditing] = useState<TeamDef | 'new' | null>(null);
  const [form] = Form.useForm<Values>();
  const byId = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])), [users.data]);
  const who = (id?: string) => {
    const u = id ? byId.get(id) : undefined;
    return u ? u.name || u.email : '';
  };

  const save = useMutation({
    mutationFn: async (v: Values) => {
      const isNew = editing === 'new';
      const old = isNew ? undefined : (editing as TeamDef);
      const label: Record<string, string> = {};
      if (v.en?.trim()) label.en = v.en.trim();
      if (v.zh?.trim()) label['zh-CN'] = v.zh.trim();
      const team = await saveTeam({ id: v.id, label, lead: v.lead ?? '', members: [], version: old?.version }, isNew);
      const before = new Set(old?.members ?? []);
      const after = new Set(v.members ?? []);
      for (const u of users.data ?? []) {
        if (before.has(u.id) === after.has(u.id)) continue;
        const teamsOf = after.has(u.id) ? [...u.teams, team.id] : u.teams.filter((x) => x !== team.id);
        await updateUser(u.id, { teams: teamsOf }, u.version);
      }
      return team;
    },
    onSuccess: (team) => {
      message.success(t('admin.teams.saved', { name: pickLabel(team.label, locale, team.id) }));
      setEditing(null);
      void queryClient.invalidateQueries({ queryKey: adminKeys.teams });
      void queryClient.invalidateQueries({ queryKey: adminKeys.users });
      void queryClient.invalidateQueries({ queryKey: ['people'] });
    },
    onError: (e) => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.users });
      const fields = problemsToFields(e, ['id', 'lead'] as const);
      if (fields.length) form.setFields(fields);
      else message.error(errorText(e, t));
    },
  });

  const remove = (x: TeamDef) =>
    modal.confirm({
      title: t('admin.teams.deleteConfirm', { name: pickLabel(x.label, locale, x.id) }),
      okText: t('admin.teams.delete'),
      okButtonProps: { danger: true },
      cancelText: t('admin.users.cancel'),
      onOk: async () => {
        try {
          await deleteTeam(x.id);
          message.success(t('admin.teams.deleted', { name: pickLabel(x.label, locale, x.id) }));
          setEditing(null);
          void queryClient.invalidateQueries({ queryKey: adminKeys.teams });
        } catch (e) {
          message.error(errorText(e, t));
        }
      },
    });

  const open = (x: TeamDef | 'new') => {
    form.resetFields();
    if (x !== 'new') {
      form.setFieldsValue({
        id: x.id,
        en: x.label?.en,
        zh: x.label?.['zh-CN'],
        lead: x.lead || undefined,
        members: x.members,
      });
    }
    setEditing(x);
  };
  const userOptions = (users.data ?? []).map((u) => ({ value: u.id, label: `${u.name || u.email} (${u.email})` }));

  return (
    <>
      <PageHeader
        title={t('admin.teams.title')}
        subtitle={t('admin.teams.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
            {t('admin.teams.new')}
          </Button>
        }
      />
      <Table<TeamDef>
        rowKey="id"
        loading={teams.isLoading}
        dataSource={teams.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        size={phone ? 'small' : 'middle'}
        onRow={(x) => ({ onClick: () => open(x), style: { cursor: 'pointer' } })}
        columns={[
          {
            key: 'label',
            title: t('admin.teams.label'),
            render: (_, x) => <Typography.Text strong>{pickLabel(x.label, locale, x.id)}</Typography.Text>,
          },
          { key: 'lead', title: t('admin.teams.lead'), render: (_, x) => who(x.lead) },
          {
            key: 'members',
            title: t('admin.teams.members'),
            render: (_, x) => x.members.map((m) => who(m)).join(', '),
          },
        ]}
      />
      <Drawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        width={phone ? '100%' : 480}
        title={editing === 'new' ? t('admin.teams.new') : pickLabel(editing?.label, locale, editing?.id ?? '')}
        destroyOnHidden
        extra={
          <Space>
            <Button onClick={() => setEditing(null)}>{t('admin.users.cancel')}</Button>
            <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
              {t('admin.users.save')}
            </Button>
          </Space>
        }
      >
        <Form<Values>
          form={form}
          layout="vertical"
          requiredMark={false}
          noValidate
          onFinish={(v) => save.mutate(v)}
          initialValues={{ members: [] }}
        >
          <Form.Item name="id" label={t('admin.teams.id')} rules={[{ required: true, message: t('profile.required') }]}>
            <Input disabled={editing !== 'new'} autoComplete="off" />
          </Form.Item>
          <Form.Item name="en" label={t('admin.teams.label')}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="zh" label={t('admin.teams.labelZh')}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="lead" label={t('admin.teams.lead')}>
            <Select allowClear showSearch optionFilterProp="label" options={userOptions} />
          </Form.Item>
          <Form.Item name="members" label={t('admin.teams.members')} extra={t('admin.teams.membersHint')}>
            <Select mode="multiple" optionFilterProp="label" options={userOptions} />
          </Form.Item>
        </Form>
        {editing && editing !== 'new' && (
          <Button danger onClick={() => void remove(editing)}>
            {t('admin.teams.delete')}
          </Button>
        )}
      </Drawer>
    </>
  );
}
