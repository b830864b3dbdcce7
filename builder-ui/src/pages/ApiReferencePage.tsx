import { ExportOutlined, KeyOutlined } from '@ant-design/icons';
import { Button, Flex, Result, Spin, Typography } from 'antd';
import { lazy, Suspense, useEffect } from 'react';
import { Link } from 'react-router';
import { useOpenAPIDocument } from '../api/openapi';
import { useI18n } from '../i18n/context';
import { errorText } from '../i18n/errorText';
import { PageHeader } from '../shell/PageHeader';

const loadView = () => import('./ApiReferenceView');
const ApiReferenceView = lazy(loadView);

const documentURL = '/api/openapi.json';

/**
 * /reference: the server's OpenAPI document, fetched with the session so that the signed-in
 * user's own objects are in it, under a line on how integrations call the API.
 *
 * Its antd components were picked with an eye on the main chunk: the bundler's merging of common
 * chunks moved antd's Button (with Typography.Link instead of a Button here) or Skeleton (with an
 * Alert) into index-*.js, 10 to 25 kB more for every page. Compare its size after changing them.
 */
export default function ApiReferencePage() {
  const { t } = useI18n();
  const doc = useOpenAPIDocument();
  // The renderer's chunk loads while the document does.
  useEffect(() => void loadView(), []);
  return (
    <>
      <PageHeader title={t('apiref.title')} subtitle={t('apiref.subtitle')} />
      <Typography.Paragraph>{t('apiref.intro', { url: documentURL })}</Typography.Paragraph>
      <Flex gap={16} align="center" wrap style={{ marginBottom: 16 }}>
        <Button icon={<ExportOutlined />} href={documentURL} target="_blank" rel="noreferrer">
          {t('apiref.download')}
        </Button>
        <Link to="/profile">
          <KeyOutlined /> {t('apiref.tokens')}
        </Link>
      </Flex>
      {doc.isError && (
        <Result
          status="error"
          title={t('apiref.loadFailed')}
          subTitle={errorText(doc.error, t)}
          extra={<Button onClick={() => void doc.refetch()}>{t('common.retry')}</Button>}
        />
      )}
      {doc.isPending && <Spin />}
      {doc.data && (
        <Suspense fallback={<Spin />}>
          <ApiReferenceView spec={doc.data} />
        </Suspense>
      )}
    </>
  );
}
