import { useMutation, useQueryClient } from '@tanstack/react-query';
import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Flex, Form, Grid, Input, Modal, Select, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import {
  adminKeys,
  createRole,
  deleteRole,
  permKeys,
  saveRole,
  useFullRoles,
  type FullRole,
  type Perm,
} from '../api/admin';
import { useObjects, type ObjectDef } from '../api/objects';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { PageHeader } from '../shell/PageHeader';
import { problemsToFields } from './problems';

type Level = 'edit' | 'read_only' | 'hidden';

interface NewRole {
  name: string;
  en?: string;
  zh?: string;
  copy?: string;
}

/** Roles as a matrix: per object create/read/edit/delete/see all/edit all, per field its level. */
export default function RolesPage() {
  const { t, locale } = useI18n();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const roles = useFullRoles();
  const [adding, setAdding] = useState(false);
  const [newForm] = Form.useForm<NewRole>();
  const objects = useObjects();
  const phone = !Grid.useBreakpoint().md;
  const [name, setName] = useState<string>();
  const [draft, setDraft] = useState<FullRole>();
  const role = roles.data?.find((r) => r.name === name);
  const fixed = name === 'admin';

  // The first non-admin role is shown first; a role read again (after a save) resets the draft.
  useEffect(() => {
    if (!name && roles.data?.length) setName(roles.data.find((r) => r.name !== 'admin')?.name ?? 'admin');
  }, [name, roles.data]);
  useEffect(() => setDraft(role ? structuredClone(role) : undefined), [role]);

  const save = useMutation({
    mutationFn: () => saveRole(draft!),
    onSuccess: (r) => {
      message.success(t('admin.roles.saved', { name: pickLabel(r.label, locale, r.name) }));
      void queryClient.invalidateQueries({ queryKey: adminKeys.roles });
    },
    onError: (e) => message.error(errorText(e, t)),
  });

  const create = useMutation({
    mutationFn: (v: NewRole) => {
      const from = roles.data?.find((r) => r.name === v.copy);
      const label: Record<string, string> = {};
      if (v.en?.trim()) label.en = v.en.trim();
      if (v.zh?.trim()) label['zh-CN'] = v.zh.trim();
      return createRole({
        name: v.name.trim(),
        label,
        define: from?.define,
        objects: from?.objects ?? {},
        fields: from?.fields ?? {},
      });
    },
    onSuccess: async (r) => {
      message.success(t('admin.roles.saved', { name: pickLabel(r.label, locale, r.name) }));
      await queryClient.invalidateQueries({ queryKey: adminKeys.roles });
      setAdding(false);
      setName(r.name);
    },
    onError: (e) => {
      const fields = problemsToFields(e, ['name'] as const);
      if (fields.length) newForm.setFields(fields);
      else message.error(errorText(e, t));
    },
  });
  const remove = () =>
    role &&
    modal.confirm({
      title: t('admin.roles.deleteConfirm', { name: pickLabel(role.label, locale, role.name) }),
      okText: t('admin.roles.delete'),
      okButtonProps: { danger: true },
      cancelText: t('admin.users.cancel'),
      onOk: async () => {
        try {
          await deleteRole(role.name);
          message.success(t('admin.roles.deleted', { name: pickLabel(role.label, locale, role.name) }));
          setName(undefined);
          await queryClient.invalidateQueries({ queryKey: adminKeys.roles });
        } catch (e) {
          message.error(errorText(e, t));
        }
      },
    });

  const perm = (o: string): Perm =>
    fixed ? Object.fromEntries(permKeys.map((k) => [k, true])) : (draft?.objects?.[o] ?? {});
  const setPerm = (o: string, k: keyof Perm, v: boolean) =>
    setDraft((d) => {
      if (!d) return d;
      const p: Perm = { ...(d.objects?.[o] ?? {}), [k]: v };
      // What a permission needs comes with it; what needs a withdrawn one goes with it.
      if (v && k !== 'read') p.read = true;
      if (v && k === 'edit_all') p.edit = true;
      if (!v && k === 'read') permKeys.forEach((x) => (p[x] = false));
      if (!v && k === 'edit') p.edit_all = false;
      const objects = { ...(d.objects ?? {}) };
      if (permKeys.some((x) => p[x]))
        objects[o] = Object.fromEntries(permKeys.filter((x) => p[x]).map((x) => [x, true]));
      else delete objects[o];
      return { ...d, objects };
    });
  const level = (o: string, f: string): Level => draft?.fields?.[o]?.[f] ?? 'edit';
  const setLevel = (o: string, f: string, l: Level) =>
    setDraft((d) => {
      if (!d) return d;
      const fields = { ...(d.fields ?? {}) };
      const of = { ...(fields[o] ?? {}) };
      if (l === 'edit') delete of[f];
      else of[f] = l;
      if (Object.keys(of).length) fields[o] = of;
      else delete fields[o];
      return { ...d, fields };
    });

  const fieldTable = (o: ObjectDef) => (
    <Table
      rowKey="name"
      size="small"
      pagination={false}
      dataSource={o.fields}
      columns={[
        { key: 'f', title: t('admin.roles.field'), render: (_, f) => pickLabel(f.label, locale, f.name) },
        {
          key: 'l',
          title: t('admin.roles.fields'),
          render: (_, f) => (
            <Select<Level>
              size="small"
              disabled={fixed}
              value={fixed ? 'edit' : level(o.name, f.name)}
              onChange={(l) => setLevel(o.name, f.name, l)}
              style={{ minWidth: 110 }}
              aria-label={`${pickLabel(o.label, locale, o.name)} ${pickLabel(f.label, locale, f.name)}`}
              options={[
                { value: 'edit', label: t('admin.roles.fieldEditable') },
                { value: 'read_only', label: t('admin.roles.fieldReadOnly') },
                { value: 'hidden', label: t('admin.roles.fieldHidden') },
              ]}
            />
          ),
        },
      ]}
    />
  );

  return (
    <>
      <PageHeader
        title={t('admin.roles.title')}
        subtitle={t('admin.roles.subtitle')}
        extra={
          <Space wrap>
            <Button
              icon={<PlusOutlined />}
              onClick={() => {
                newForm.resetFields();
                setAdding(true);
              }}
            >
              {t('admin.roles.new')}
            </Button>
            <Button type="primary" disabled={fixed || !draft} loading={save.isPending} onClick={() => save.mutate()}>
              {t('admin.roles.save')}
            </Button>
          </Space>
        }
      />
      <Flex vertical gap={12} style={{ marginBottom: 16 }}>
        <Flex align="center" gap={8} wrap>
          <Typography.Text>{t('admin.roles.role')}</Typography.Text>
          <Select
            aria-label={t('admin.roles.role')}
            value={name}
            onChange={setName}
            style={{ minWidth: 200 }}
            options={(roles.data ?? []).map((r) => ({ value: r.name, label: pickLabel(r.label, locale, r.name) }))}
          />
          <Checkbox
            disabled={fixed || !draft}
            checked={fixed || !!draft?.define}
            onChange={(e) => setDraft((d) => d && { ...d, define: e.target.checked })}
          >
            {t('admin.roles.define')}
          </Checkbox>
          {role && !role.builtin && !fixed && (
            <Button danger type="link" onClick={() => void remove()}>
              {t('admin.roles.deleteRole')}
            </Button>
          )}
        </Flex>
        <Alert type="info" showIcon message={fixed ? t('admin.roles.admin') : t('admin.roles.hint')} />
      </Flex>
      <Table<ObjectDef>
        rowKey="name"
        loading={objects.isLoading || roles.isLoading}
        dataSource={objects.data ?? []}
        pagination={false}
        size={phone ? 'small' : 'middle'}
        scroll={{ x: 'max-content' }}
        expandable={{ expandedRowRender: fieldTable }}
        columns={[
          {
            key: 'object',
            title: t('admin.roles.object'),
            fixed: 'left',
            render: (_, o) => <Typography.Text strong>{pickLabel(o.label, locale, o.name)}</Typography.Text>,
          },
          ...permKeys.map((k) => ({
            key: k,
            title: t(`admin.roles.${k}`),
            align: 'center' as const,
            render: (_: unknown, o: ObjectDef) => (
              <Checkbox
                disabled={fixed || !draft}
                checked={!!perm(o.name)[k]}
                onChange={(e) => setPerm(o.name, k, e.target.checked)}
                aria-label={`${pickLabel(o.label, locale, o.name)}: ${t(`admin.roles.${k}`)}`}
              />
            ),
          })),
        ]}
      />
      <Modal
        open={adding}
        title={t('admin.roles.new')}
        okText={t('admin.roles.create')}
        cancelText={t('admin.users.cancel')}
        onOk={() => newForm.submit()}
        okButtonProps={{ loading: create.isPending }}
        onCancel={() => setAdding(false)}
        destroyOnHidden
      >
        <Form<NewRole>
          form={newForm}
          layout="vertical"
          requiredMark={false}
          noValidate
          onFinish={(v) => create.mutate(v)}
        >
          <Form.Item
            name="name"
            label={t('admin.teams.id')}
            extra={t('admin.roles.nameHint')}
            rules={[{ required: true, message: t('profile.required') }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="en" label={t('admin.teams.label')}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="zh" label={t('admin.teams.labelZh')}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="copy" label={t('admin.roles.copyFrom')}>
            <Select
              allowClear
              placeholder={t('admin.roles.copyNone')}
              options={(roles.data ?? [])
                .filter((r) => r.name !== 'admin')
                .map((r) => ({ value: r.name, label: pickLabel(r.label, locale, r.name) }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
