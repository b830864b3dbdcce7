import { Button, Result } from 'antd';
import { Component, type ReactNode } from 'react';
import { useI18n } from '../i18n/context';

function PageFailed() {
  const { t } = useI18n();
  return (
    <Result
      status="warning"
      title={t('error.page')}
      subTitle={t('error.pageHint')}
      extra={<Button onClick={() => window.location.reload()}>{t('common.reload')}</Button>}
    />
  );
}

/** Catches a page that fails to render or to load (a chunk gone after an update). */
export class PageErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  render() {
    return this.state.failed ? <PageFailed /> : this.props.children;
  }
}
