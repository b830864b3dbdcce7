import { Form, Input, Modal, Select } from 'antd';
import { useNavigate } from 'react-router';
import { useApprovalProcesses } from '../api/approvalProcesses';
import { useObjects } from '../api/objects';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';

interface Values {
  name: string;
  labelEn?: string;
  labelZh?: string;
  object: string;
}

/** Name, label and object of a new process; the editor opens on a draft with its start node. */
export function NewFlowModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm<Values>();
  const objects = useObjects();
  const processes = useApprovalProcesses();
  const navigate = useNavigate();

  const submit = (v: Values) => {
    const label: Record<string, string> = {};
    if (v.labelEn?.trim()) label.en = v.labelEn.trim();
    if (v.labelZh?.trim()) label['zh-CN'] = v.labelZh.trim();
    onClose();
    void navigate(`/flows/${encodeURIComponent(v.name)}`, {
      state: { draft: { name: v.name, label, object: v.object } },
    });
  };

  return (
    <Modal
      open={open}
      title={t('flows.new')}
      okText={t('flows.create')}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={submit} preserve={false} requiredMark={false}>
        <Form.Item
          name="name"
          label={t('flows.name')}
          extra={t('flows.nameHint')}
          rules={[
            { required: true, message: t('flows.nameRequired') },
            { pattern: /^[a-z][a-z0-9_]*$/, message: t('flows.nameInvalid') },
            {
              validator: (_, v: string) =>
                processes.data?.some((p) => p.name === v)
                  ? Promise.reject(new Error(t('flows.nameTaken')))
                  : Promise.resolve(),
            },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="labelEn" label={t('flows.labelEn')}>
          <Input />
        </Form.Item>
        <Form.Item name="labelZh" label={t('flows.labelZh')}>
          <Input />
        </Form.Item>
        <Form.Item
          name="object"
          label={t('flows.object')}
          rules={[{ required: true, message: t('flows.objectRequired') }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            loading={objects.isPending}
            options={(objects.data ?? []).map((o) => ({ value: o.name, label: pickLabel(o.label, locale, o.name) }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
