import { Navigate } from 'react-router';
import { useMe } from '../api/auth';
import { FullPageSpin } from '../shell/FullPageSpin';
import { isBuilder } from './useAppMenu';

/** The start page: the builder for admins and analysts, the work area for everyone else. */
export default function HomeRedirect() {
  const me = useMe();
  if (me.isPending) return <FullPageSpin />;
  return <Navigate to={isBuilder(me.data?.roles) ? '/objects' : '/app'} replace />;
}
