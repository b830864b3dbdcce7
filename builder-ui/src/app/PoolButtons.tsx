import { RollbackOutlined, UserAddOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { activityKey } from '../api/activity';
import { useMe } from '../api/auth';
import { poolOwner, type ObjectDef } from '../api/objects';
import { recordsApi, type RecordData } from '../api/records';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { pickLabel } from '../i18n/locale';

/**
 * Claim / Return to pool on a record page of an object with pools: Claim while a pool owns the
 * record (the server picks one winner when several claim at once), Return to pool with a reason
 * once it is one's own.
 */
export function PoolButtons({
  def,
  object,
  record,
}: {
  def: ObjectDef | undefined;
  object: string;
  record: RecordData;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe();
  const [open, setOpen] = useState(false);
  const [values] = Form.useForm<{ reason: string; pool?: string }>();
  const pools = def?.pools ?? [];
  const owner = typeof record.owner === 'string' ? record.owner : '';
  const current = pools.find((p) => poolOwner(p.name) === owner);
  const poolName = (name?: string) => {
    const p = pools.find((x) => x.name === name) ?? pools[0];
    return p ? pickLabel(p.label, locale, p.name) : '';
  };
  const done = (r: RecordData) => {
    qc.setQueryData(['record', object, record.id], r);
    void qc.invalidateQueries({ queryKey: ['record', object, record.id] });
    void qc.invalidateQueries({ queryKey: activityKey(object, record.id) });
    void qc.invalidateQueries({ queryKey: ['records', object] });
  };
  const claim = useMutation({
    mutationFn: () => recordsApi.claim(object, record.id),
    onSuccess: (r) => {
      void message.success(t('app.pool.claimed'));
      done(r);
    },
    onError: (e) => {
      void message.error(errorText(e, t));
      void qc.invalidateQueries({ queryKey: ['record', object, record.id] });
      void qc.invalidateQueries({ queryKey: activityKey(object, record.id) });
    },
  });
  const giveBack = useMutation({
    mutationFn: (v: { reason: string; pool?: string }) => recordsApi.giveBack(object, record.id, v.reason, v.pool),
    onSuccess: (r, v) => {
      void message.success(t('app.pool.returned', { pool: poolName(v.pool) }));
      setOpen(false);
      done(r);
    },
  });
  if (pools.length === 0) return null;
  if (current) {
    return (
      <Button
        type="primary"
        icon={<UserAddOutlined />}
        loading={claim.isPending}
        data-testid="pool-claim"
        title={t('app.pool.inPool', { pool: pickLabel(current.label, locale, current.name) })}
        onClick={() => claim.mutate()}
      >
        {t('app.pool.claim')}
      </Button>
    );
  }
  if (!me.data || owner !== me.data.id) return null;
  return (
    <>
      <Button
        icon={<RollbackOutlined />}
        data-testid="pool-return"
        onClick={() => {
          giveBack.reset();
          setOpen(true);
        }}
      >
        {t('app.pool.giveBack')}
      </Button>
      <Modal
        open={open}
        title={t('app.pool.giveBackTitle')}
        okText={t('app.pool.giveBack')}
        confirmLoading={giveBack.isPending}
        onOk={() =>
          void values.validateFields().then(
            (v) => giveBack.mutate(v),
            () => undefined, // the form shows what is missing
          )
        }
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form form={values} layout="vertical" preserve={false}>
          {pools.length > 1 && (
            <Form.Item name="pool" label={t('app.pool.pool')} initialValue={pools[0]?.name}>
              <Select options={pools.map((p) => ({ value: p.name, label: pickLabel(p.label, locale, p.name) }))} />
            </Form.Item>
          )}
          <Form.Item
            name="reason"
            label={t('app.pool.reason')}
            rules={[{ required: true, whitespace: true, message: t('app.pool.reasonRequired') }]}
          >
            <Input.TextArea
              rows={3}
              maxLength={500}
              autoFocus
              placeholder={t('app.pool.reasonPlaceholder')}
              data-testid="pool-reason"
            />
          </Form.Item>
        </Form>
        {giveBack.isError && <Alert type="error" showIcon message={errorText(giveBack.error, t)} />}
      </Modal>
    </>
  );
}
