import { useState } from 'react';
import { useNavigate } from 'react-router';
import { logout } from '../api/auth';

/** Ends the session on the server and goes to /login (which forgets every cached answer). */
export function useSignOut() {
  const navigate = useNavigate();
  const [pending, setPending] = useState(false);
  const signOut = async () => {
    setPending(true);
    try {
      await logout();
    } catch {
      // The local token is gone either way; a server that cannot be reached ends nothing more.
    } finally {
      setPending(false);
      void navigate('/login', { replace: true });
    }
  };
  return { signOut, pending };
}
