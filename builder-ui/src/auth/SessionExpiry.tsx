import { useEffect, useRef } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { onUnauthorized } from '../api/client';
import { loginPath } from './next';

/** When any request answers 401 the session has ended: go to /login, then back here. */
export function SessionExpiry() {
  const navigate = useNavigate();
  const location = useLocation();
  const here = useRef(location);
  useEffect(() => {
    here.current = location;
  }, [location]);

  useEffect(
    () =>
      onUnauthorized(() => {
        const l = here.current;
        if (l.pathname === '/login') return;
        void navigate(loginPath(l.pathname + l.search + l.hash), { replace: true });
      }),
    [navigate],
  );
  return null;
}
