import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Checkbox, Modal, Table, Typography } from 'antd';
import { useState } from 'react';
import { adminKeys, getRole, saveRole, useFullRoles, type Perm } from '../api/admin';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';

const keys = ['create', 'read', 'edit', 'delete'] as const;

/**
 * Asked after a new object is saved: which roles get what on it. Starts from nothing (a new object
 * grants nothing to anyone but admins); saves each ticked role through the roles API.
 */
export function GrantsDialog({ object, label, onClose }: { object: string; label: string; onClose: () => void }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const roles = useFullRoles();
  const [grants, setGrants] = useState<Record<string, Perm>>({});
  const rows = (roles.data ?? []).filter((r) => r.name !== 'admin');

  const set = (role: string, k: (typeof keys)[number], v: boolean) =>
    setGrants((g) => {
      const p: Perm = { ...(g[role] ?? {}), [k]: v };
      if (v && k !== 'read') p.read = true;
      if (!v && k === 'read') keys.forEach((x) => (p[x] = false));
      return { ...g, [role]: p };
    });

  const save = useMutation({
    mutationFn: async () => {
      for (const [name, p] of Object.entries(grants)) {
        if (!keys.some((k) => p[k])) continue;
        const r = await getRole(name); // the latest version: a save in between is not lost
        const granted = Object.fromEntries(keys.filter((k) => p[k]).map((k) => [k, true]));
        await saveRole({ ...r, objects: { ...(r.objects ?? {}), [object]: granted } });
      }
    },
    onSuccess: () => {
      message.success(t('admin.grants.saved'));
      void queryClient.invalidateQueries({ queryKey: adminKeys.roles });
      onClose();
    },
    onError: (e) => message.error(errorText(e, t)),
  });

  return (
    <Modal
      open
      title={t('admin.grants.title', { object: label })}
      okText={t('admin.grants.save')}
      cancelText={t('admin.grants.skip')}
      onOk={() => save.mutate()}
      okButtonProps={{ loading: save.isPending }}
      onCancel={onClose}
      width={640}
    >
      <Typography.Paragraph type="secondary">{t('admin.grants.text')}</Typography.Paragraph>
      <Table
        rowKey="name"
        size="small"
        pagination={false}
        loading={roles.isLoading}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        columns={[
          { key: 'role', title: t('admin.roles.role'), render: (_, r) => pickLabel(r.label, locale, r.name) },
          ...keys.map((k) => ({
            key: k,
            title: t(`admin.roles.${k}`),
            align: 'center' as const,
            render: (_: unknown, r: { name: string; label?: Record<string, string | undefined> }) => (
              <Checkbox
                checked={!!grants[r.name]?.[k]}
                onChange={(e) => set(r.name, k, e.target.checked)}
                aria-label={`${pickLabel(r.label, locale, r.name)}: ${t(`admin.roles.${k}`)}`}
              />
            ),
          })),
        ]}
      />
    </Modal>
  );
}
