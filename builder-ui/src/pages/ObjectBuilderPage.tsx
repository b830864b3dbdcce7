import { Alert, Button } from 'antd';
import { useLocation, useNavigate, useParams } from 'react-router';
import { NewObjectGrants } from '../admin/NewObjectGrants';
import { useObject } from '../api/definitions';
import { BuilderEditor } from '../builder/BuilderEditor';
import { emptyDraft, fromDefinition } from '../builder/draft';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { FullPageSpin } from '../shell/FullPageSpin';

/** /objects/new and /objects/:name: loads the definition and hands a working copy to the editor. */
export default function ObjectBuilderPage() {
  const { name } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const isNew = !name;
  const object = useObject(name);
  // Just created (BuilderEditor's save): ask who gets what on it.
  const created = (location.state as { newObject?: string } | null)?.newObject;
  const grants = created && object.data?.name === created && (
    <NewObjectGrants
      object={object.data}
      onClose={() => void navigate(location.pathname + location.search, { replace: true, state: null })}
    />
  );
  if (isNew) return <BuilderEditor key="new" initial={emptyDraft()} />;
  if (object.isPending) return <FullPageSpin />;
  if (object.isError) {
    return (
      <Alert
        type="error"
        showIcon
        message={t('builder.loadFailed')}
        description={errorText(object.error, t)}
        action={<Button onClick={() => void navigate('/objects')}>{t('notFound.back')}</Button>}
      />
    );
  }
  // A new key per loaded version: a restore or a reload starts a fresh working copy.
  return (
    <>
      <BuilderEditor
        key={`${name}@${object.data.version}`}
        initial={fromDefinition(object.data)}
        version={object.data.version}
      />
      {grants}
    </>
  );
}
