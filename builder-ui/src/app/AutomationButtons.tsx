import { ThunderboltOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Modal, Radio, Typography } from 'antd';
import { useState } from 'react';
import { activityKey } from '../api/activity';
import { type ManualMatch, useManualAutomations, workApi } from '../api/work';
import { textOf } from '../fields/text';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';

// The value of a choice that makes a new record rather than use one that exists.
const fresh = '';

/**
 * The record's manual automations whose condition holds (Convert on a lead not yet converted) as buttons, each confirmed first. Where the
 * automation would create a record that exists already (the duplicate rules find it), the dialog
 * offers that record instead, chosen by default.
 */
export function AutomationButtons({ object, id, version }: { object: string; id: string; version?: unknown }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const automations = useManualAutomations(object, id, version, locale);
  const [asking, setAsking] = useState<{ name: string; label: string; found: ManualMatch[] } | null>(null);
  const [use, setUse] = useState<Record<string, string>>({});
  const [looking, setLooking] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: ({ name, use }: { name: string; use: Record<string, string> }) =>
      workApi.runAutomation(object, id, name, use),
    onSuccess: () => {
      setAsking(null);
      message.success(t('app.automation.done'));
      void queryClient.invalidateQueries({ queryKey: ['record', object, id] });
      void queryClient.invalidateQueries({ queryKey: ['history', object, id] });
      void queryClient.invalidateQueries({ queryKey: activityKey(object, id) });
      void queryClient.invalidateQueries({ queryKey: ['records'] });
      void queryClient.invalidateQueries({ queryKey: ['automations', object, id] });
    },
    onError: (e) => message.error(errorText(e, t)),
  });

  const ask = async (name: string, label: string) => {
    setLooking(name);
    // Without the candidates (an older server, a failed look-up) the dialog simply confirms.
    const found = await workApi.automationMatches(object, id, name).catch(() => [] as ManualMatch[]);
    setLooking(null);
    const offered = found.filter((m) => m.matches.length > 0);
    setUse(Object.fromEntries(offered.map((m) => [m.as, m.matches[0]!.id])));
    setAsking({ name, label, found: offered });
  };

  return (
    <>
      {(automations.data ?? []).map((a) => {
        const label = a.label || a.name;
        return (
          <Button
            key={a.name}
            icon={<ThunderboltOutlined />}
            loading={looking === a.name || (run.isPending && run.variables?.name === a.name)}
            onClick={() => void ask(a.name, label)}
          >
            {label}
          </Button>
        );
      })}
      <Modal
        open={!!asking}
        title={asking && t('app.automation.confirm', { name: asking.label })}
        // The button says what runs (Convert), not a generic Run.
        okText={asking?.label ?? t('app.automation.run')}
        cancelText={t('app.form.cancel')}
        confirmLoading={run.isPending}
        onCancel={() => setAsking(null)}
        onOk={() =>
          asking &&
          run.mutate({ name: asking.name, use: Object.fromEntries(Object.entries(use).filter((e) => e[1] !== fresh)) })
        }
        destroyOnHidden
      >
        {asking && asking.found.length > 0 && (
          <Flex vertical gap={12} data-testid="automation-matches">
            <Typography.Text type="secondary">{t('app.automation.existing')}</Typography.Text>
            {asking.found.map((m) => (
              <Flex vertical gap={4} key={m.as}>
                <Typography.Text strong>{m.label || m.object}</Typography.Text>
                <Radio.Group
                  data-testid={`automation-use-${m.as}`}
                  value={use[m.as] ?? fresh}
                  onChange={(e) => setUse((u) => ({ ...u, [m.as]: e.target.value as string }))}
                >
                  <Flex vertical gap={4}>
                    {m.matches.map((r) => (
                      <Radio key={r.id} value={r.id}>
                        {t('app.automation.useExisting', { title: textOf(r.title ?? r.id) })}
                        {r.rule_label && <Typography.Text type="secondary"> · {r.rule_label}</Typography.Text>}
                      </Radio>
                    ))}
                    <Radio value={fresh}>{t('app.automation.createNew')}</Radio>
                  </Flex>
                </Radio.Group>
              </Flex>
            ))}
          </Flex>
        )}
      </Modal>
    </>
  );
}
