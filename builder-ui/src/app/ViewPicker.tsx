import { DeleteOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Flex, Input, Popover, Select, Space } from 'antd';
import { useState } from 'react';
import { useMe } from '../api/auth';
import { viewsApi, viewsKey, type ListView, type NewListView } from '../api/views';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';

/**
 * The saved views of a list: pick one to apply its columns, filter, sort and search; save what is
 * shown now under a name (for oneself, or shared); delete one's own.
 */
export function ViewPicker({
  object,
  current,
  value,
  onChange,
}: {
  object: string;
  /** What the list shows now, as a view would keep it. */
  current: Omit<NewListView, 'name' | 'object'>;
  value: ListView | null;
  onChange: (v: ListView | null) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const me = useMe();
  const client = useQueryClient();
  const views = useQuery({ queryKey: viewsKey(object), queryFn: ({ signal }) => viewsApi.list(object, signal) });
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const save = useMutation({
    mutationFn: () => viewsApi.create({ ...current, object, name: name.trim(), shared }),
    onSuccess: (v) => {
      void client.invalidateQueries({ queryKey: viewsKey(object) });
      setOpen(false);
      setName('');
      onChange(v);
      void message.success(t('app.views.saved', { name: v.name }));
    },
    onError: (e) => void message.error(errorText(e, t)),
  });
  const remove = useMutation({
    mutationFn: (v: ListView) => viewsApi.remove(v),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: viewsKey(object) });
      onChange(null);
    },
    onError: (e) => void message.error(errorText(e, t)),
  });

  return (
    <Space.Compact>
      <Select
        aria-label={t('app.views.label')}
        placeholder={t('app.views.all')}
        allowClear
        style={{ minWidth: 170 }}
        value={value?.id}
        loading={views.isLoading}
        onChange={(id: string | undefined) => onChange(views.data?.find((v) => v.id === id) ?? null)}
        options={(views.data ?? []).map((v) => ({
          value: v.id,
          label: v.shared && v.owner !== me.data?.id ? `${v.name} · ${t('app.views.sharedMark')}` : v.name,
        }))}
      />
      {value && value.owner === me.data?.id && (
        <Button
          aria-label={t('app.views.delete')}
          icon={<DeleteOutlined />}
          loading={remove.isPending}
          onClick={() => remove.mutate(value)}
        />
      )}
      <Popover
        trigger="click"
        open={open}
        onOpenChange={setOpen}
        title={t('app.views.saveTitle')}
        content={
          <Flex vertical gap={8} style={{ width: 240 }}>
            <Input
              aria-label={t('app.views.name')}
              placeholder={t('app.views.name')}
              value={name}
              maxLength={100}
              onChange={(e) => setName(e.target.value)}
              onPressEnter={() => name.trim() && save.mutate()}
            />
            <Checkbox checked={shared} onChange={(e) => setShared(e.target.checked)}>
              {t('app.views.share')}
            </Checkbox>
            <Button type="primary" disabled={!name.trim()} loading={save.isPending} onClick={() => save.mutate()}>
              {t('app.views.save')}
            </Button>
          </Flex>
        }
      >
        <Button icon={<SaveOutlined />}>{t('app.views.saveButton')}</Button>
      </Popover>
    </Space.Compact>
  );
}
