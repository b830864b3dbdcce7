import { ReactFlowProvider } from '@xyflow/react';
import { Alert, Button, Result } from 'antd';
import { useLocation, useNavigate, useParams } from 'react-router';
import { useApprovalProcess, type ApprovalProcess } from '../api/approvalProcesses';
import { ApiError } from '../api/client';
import type { Label } from '../api/objects';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { FullPageSpin } from '../shell/FullPageSpin';
import { FlowEditor } from './FlowEditor';

interface Draft {
  name: string;
  label?: Label;
  object: string;
}

/** A new process starts with its start node alone; the palette brings the rest. */
function draftProcess(d: Draft): ApprovalProcess {
  return {
    name: d.name,
    label: d.label,
    object: d.object,
    nodes: [{ id: 'start', kind: 'start', label: { en: 'Submitted', 'zh-CN': '提交' }, position: { x: 0, y: 0 } }],
    edges: [],
  };
}

/** /flows/{name}: the saved process in the editor, or the draft the New dialog started. */
export default function FlowEditorPage() {
  const { t } = useI18n();
  const { name = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const process = useApprovalProcess(name);
  const draft = (location.state as { draft?: Draft } | null)?.draft;
  const notFound = process.error instanceof ApiError && process.error.status === 404;

  if (process.isPending) return <FullPageSpin />;
  if (process.isError && !(notFound && draft?.name === name)) {
    if (notFound) {
      return (
        <Result
          status="404"
          title={t('flows.notFound')}
          subTitle={t('flows.notFoundHint', { name })}
          extra={<Button onClick={() => void navigate('/flows')}>{t('flows.back')}</Button>}
        />
      );
    }
    return <Alert type="error" showIcon message={t('flows.loadFailed')} description={errorText(process.error, t)} />;
  }
  // One element in one place for both: the draft's first save must not remount the editor.
  const initial = process.data ?? draftProcess(draft!);
  return (
    <ReactFlowProvider>
      <FlowEditor key={name} initial={initial} version={process.data?.version ?? 0} />
    </ReactFlowProvider>
  );
}
