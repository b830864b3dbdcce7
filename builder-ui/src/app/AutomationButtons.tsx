import { ThunderboltOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Popconfirm } from 'antd';
import { useManualAutomations, workApi } from '../api/work';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { pickLabel } from '../i18n/locale';

/** The object's manual automations (Convert on a lead) as buttons, each confirmed first. */
export function AutomationButtons({ object, id }: { object: string; id: string }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const automations = useManualAutomations(object);
  const run = useMutation({
    mutationFn: (name: string) => workApi.runAutomation(object, id, name),
    onSuccess: () => {
      message.success(t('app.automation.done'));
      void queryClient.invalidateQueries({ queryKey: ['record', object, id] });
      void queryClient.invalidateQueries({ queryKey: ['history', object, id] });
      void queryClient.invalidateQueries({ queryKey: ['records'] });
    },
    onError: (e) => message.error(errorText(e, t)),
  });
  return (
    <>
      {(automations.data ?? []).map((a) => {
        const label = pickLabel(a.label, locale, a.name);
        return (
          <Popconfirm
            key={a.name}
            title={t('app.automation.confirm', { name: label })}
            okText={t('app.automation.run')}
            cancelText={t('app.form.cancel')}
            // antd's Popconfirm awaits a returned promise (a loading OK button, closed when settled); its type says void.
            // eslint-disable-next-line @typescript-eslint/no-misused-promises
            onConfirm={() => run.mutateAsync(a.name).catch(() => undefined)}
          >
            <Button icon={<ThunderboltOutlined />} loading={run.isPending && run.variables === a.name}>
              {label}
            </Button>
          </Popconfirm>
        );
      })}
    </>
  );
}
