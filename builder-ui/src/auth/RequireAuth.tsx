import { Button, Result } from 'antd';
import { Navigate, Outlet, useLocation } from 'react-router';
import { useMe } from '../api/auth';
import { ApiError } from '../api/client';
import { errorText } from '../i18n/errorText';
import { useI18n } from '../i18n/context';
import { FullPageSpin } from '../shell/FullPageSpin';
import { loginPath } from './next';

/** Renders the signed-in part of the app, or sends to /login keeping the page asked for. */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  const { t } = useI18n();

  if (me.isPending) return <FullPageSpin />;
  if (me.isError) {
    if (me.error instanceof ApiError && me.error.status === 401) {
      return <Navigate to={loginPath(location.pathname + location.search + location.hash)} replace />;
    }
    return (
      <Result
        status="error"
        title={t('error.page')}
        subTitle={errorText(me.error, t)}
        extra={<Button onClick={() => void me.refetch()}>{t('common.retry')}</Button>}
      />
    );
  }
  return <Outlet />;
}
