import { useEffect, useState } from 'react';
import { useMe } from '../api/auth';
import { favouritesOf, recentOf, type RecordRef } from './shortlist';

/** The signed-in user's recent records and favourites, updated when either changes (also in another tab). */
export function useShortlist(): { user: string; recent: RecordRef[]; favourites: RecordRef[] } {
  const user = useMe().data?.id ?? '';
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const bump = () => setTick((n) => n + 1);
    window.addEventListener('crm-shortlist', bump);
    window.addEventListener('storage', bump);
    return () => {
      window.removeEventListener('crm-shortlist', bump);
      window.removeEventListener('storage', bump);
    };
  }, []);
  void tick;
  return { user, recent: user ? recentOf(user) : [], favourites: user ? favouritesOf(user) : [] };
}
