import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Drawer, Flex, Form, Grid, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import {
  adminKeys,
  createPasswordLink,
  createUser,
  updateUser,
  useAdminTeams,
  useAdminUsers,
  useFullRoles,
  type AdminUser,
  type PasswordLink,
  type UserInput,
} from '../api/admin';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';
import { LinkDialog } from './LinkDialog';
import { problemsToFields } from './problems';

interface Values {
  email: string;
  name?: string;
  roles: string[];
  teams: string[];
  manager?: string;
  skills: string[];
  locale?: string;
  timezone?: string;
}

const userKeys = ['email', 'name', 'roles', 'teams', 'manager', 'skills', 'locale', 'timezone'] as const;

/** The admin's list of users: create and invite, edit, deactivate, and hand out password links. */
export default function UsersPage() {
  const { t, locale } = useI18n();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const users = useAdminUsers();
  const roles = useFullRoles();
  const teams = useAdminTeams();
  const phone = !Grid.useBreakpoint().md;
  const [editing, setEditing] = useState<AdminUser | 'new' | null>(null);
  const [link, setLink] = useState<{ link: PasswordLink; email: string } | null>(null);
  const [query, setQuery] = useState('');
  const [form] = Form.useForm<Values>();
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone').map((z) => ({ value: z, label: z })), []);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: adminKeys.users });

  const byId = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])), [users.data]);
  const roleLabel = (n: string) => pickLabel(roles.data?.find((r) => r.name === n)?.label, locale, n);
  const teamLabel = (id: string) => pickLabel(teams.data?.find((x) => x.id === id)?.label, locale, id);
  const who = (u?: AdminUser) => (u ? u.name || u.email : '');

  const giveLink = async (u: AdminUser) => {
    try {
      setLink({ link: await createPasswordLink(u.id), email: u.email });
      refresh();
    } catch (e) {
      message.error(errorText(e, t));
    }
  };

  const save = useMutation({
    mutationFn: async (v: Values) => {
      const input: UserInput = {
        email: v.email,
        name: v.name ?? '',
        roles: v.roles ?? [],
        teams: v.teams ?? [],
        manager: v.manager ?? '',
        skills: v.skills ?? [],
        locale: v.locale ?? '',
        timezone: v.timezone ?? '',
      };
      if (editing === 'new') {
        const u = await createUser(input);
        await giveLink(u);
        return u;
      }
      return updateUser((editing as AdminUser).id, input, (editing as AdminUser).version);
    },
    onSuccess: (u) => {
      message.success(t('admin.users.saved', { email: u.email }));
      setEditing(null);
      refresh();
    },
    onError: (e) => {
      const fields = problemsToFields(e, userKeys);
      if (fields.length) form.setFields(fields);
      else message.error(errorText(e, t));
    },
  });

  const setActive = (u: AdminUser, active: boolean) => {
    const run = async () => {
      try {
        await updateUser(u.id, { active }, u.version);
        message.success(t(active ? 'admin.users.reactivated' : 'admin.users.deactivated', { email: u.email }));
        refresh();
      } catch (e) {
        message.error(errorText(e, t));
      }
    };
    if (active) return void run();
    modal.confirm({
      title: t('admin.users.deactivateConfirm', { email: u.email }),
      okText: t('admin.users.deactivate'),
      okButtonProps: { danger: true },
      cancelText: t('admin.users.cancel'),
      onOk: run,
    });
  };

  const open = (u: AdminUser | 'new') => {
    form.resetFields();
    if (u !== 'new') {
      form.setFieldsValue({
        email: u.email,
        name: u.name,
        roles: u.roles,
        teams: u.teams,
        manager: u.manager || undefined,
        skills: u.skills,
        locale: u.locale || undefined,
        timezone: u.timezone || undefined,
      });
    }
    setEditing(u);
  };

  const q = query.trim().toLowerCase();
  const rows = (users.data ?? []).filter((u) => !q || u.email.includes(q) || (u.name ?? '').toLowerCase().includes(q));
  const status = (u: AdminUser) =>
    !u.active ? (
      <Tag>{t('admin.users.inactive')}</Tag>
    ) : !u.password_set ? (
      <Tag color="gold">{t('admin.users.invited')}</Tag>
    ) : (
      <Tag color="green">{t('admin.users.active')}</Tag>
    );
  const actions = (u: AdminUser) => (
    <Space size={0} wrap>
      <Button type="link" size="small" onClick={() => open(u)}>
        {t('admin.edit')}
      </Button>
      {u.active && (
        <Button type="link" size="small" onClick={() => void giveLink(u)}>
          {u.password_set ? t('admin.users.resetPassword') : t('admin.users.inviteLink')}
        </Button>
      )}
      <Button type="link" size="small" danger={u.active} onClick={() => setActive(u, !u.active)}>
        {u.active ? t('admin.users.deactivate') : t('admin.users.reactivate')}
      </Button>
    </Space>
  );

  return (
    <>
      <PageHeader
        title={t('admin.users.title')}
        subtitle={t('admin.users.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
            {t('admin.users.new')}
          </Button>
        }
      />
      <Input.Search
        allowClear
        placeholder={t('admin.users.search')}
        onChange={(e) => setQuery(e.target.value)}
        style={{ maxWidth: 360, marginBottom: 16 }}
        aria-label={t('admin.users.search')}
      />
      <Table<AdminUser>
        rowKey="id"
        loading={users.isLoading}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        size={phone ? 'small' : 'middle'}
        columns={
          phone
            ? [
                {
                  key: 'user',
                  title: t('admin.users.name'),
                  render: (_, u) => (
                    <Flex vertical gap={4}>
                      <Typography.Text strong>{u.name || u.email}</Typography.Text>
                      <Typography.Text type="secondary">{u.email}</Typography.Text>
                      <span>
                        {status(u)}
                        {u.roles.map((r) => (
                          <Tag key={r}>{roleLabel(r)}</Tag>
                        ))}
                      </span>
                      {actions(u)}
                    </Flex>
                  ),
                },
              ]
            : [
                {
                  key: 'name',
                  title: t('admin.users.name'),
                  render: (_, u) => (
                    <Flex vertical>
                      <Typography.Text strong>{u.name || u.email}</Typography.Text>
                      <Typography.Text type="secondary">{u.email}</Typography.Text>
                    </Flex>
                  ),
                },
                {
                  key: 'roles',
                  title: t('admin.users.roles'),
                  render: (_, u) => u.roles.map((r) => <Tag key={r}>{roleLabel(r)}</Tag>),
                },
                {
                  key: 'teams',
                  title: t('admin.users.teams'),
                  render: (_, u) => u.teams.map((x) => teamLabel(x)).join(', '),
                },
                { key: 'manager', title: t('admin.users.manager'), render: (_, u) => who(byId.get(u.manager ?? '')) },
                { key: 'status', title: t('admin.users.status'), render: (_, u) => status(u) },
                { key: 'actions', title: t('admin.users.actions'), render: (_, u) => actions(u) },
              ]
        }
      />
      <Drawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        width={phone ? '100%' : 480}
        title={editing === 'new' ? t('admin.users.new') : t('admin.users.edit', { name: who(editing ?? undefined) })}
        destroyOnHidden
        extra={
          <Space>
            <Button onClick={() => setEditing(null)}>{t('admin.users.cancel')}</Button>
            <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
              {editing === 'new' ? t('admin.users.invite') : t('admin.users.save')}
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
          initialValues={{ roles: [], teams: [], skills: [] }}
        >
          <Form.Item
            name="email"
            label={t('admin.users.email')}
            rules={[{ required: true, message: t('profile.required') }]}
          >
            <Input type="email" autoComplete="off" />
          </Form.Item>
          <Form.Item name="name" label={t('admin.users.name')}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="roles" label={t('admin.users.roles')}>
            <Select
              mode="multiple"
              options={(roles.data ?? []).map((r) => ({ value: r.name, label: pickLabel(r.label, locale, r.name) }))}
            />
          </Form.Item>
          <Form.Item name="teams" label={t('admin.users.teams')}>
            <Select
              mode="multiple"
              options={(teams.data ?? []).map((x) => ({ value: x.id, label: pickLabel(x.label, locale, x.id) }))}
            />
          </Form.Item>
          <Form.Item name="manager" label={t('admin.users.manager')}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              options={(users.data ?? [])
                .filter((u) => editing === 'new' || u.id !== editing?.id)
                .map((u) => ({ value: u.id, label: `${u.name || u.email} (${u.email})` }))}
            />
          </Form.Item>
          <Form.Item name="skills" label={t('admin.users.skills')} extra={t('admin.users.skillsHint')}>
            <Select mode="tags" open={false} suffixIcon={null} />
          </Form.Item>
          <Form.Item name="locale" label={t('admin.users.locale')}>
            <Select
              allowClear
              placeholder={t('admin.users.browser')}
              options={[
                { value: 'en', label: 'English' },
                { value: 'zh-CN', label: '简体中文' },
              ]}
            />
          </Form.Item>
          <Form.Item name="timezone" label={t('admin.users.timezone')}>
            <Select allowClear showSearch placeholder={t('admin.users.browser')} options={zones} />
          </Form.Item>
        </Form>
      </Drawer>
      <LinkDialog link={link?.link ?? null} email={link?.email ?? ''} onClose={() => setLink(null)} />
    </>
  );
}
