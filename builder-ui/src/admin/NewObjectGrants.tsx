import { App } from 'antd';
import { useEffect, useRef } from 'react';
import type { StoredDefinition } from '../api/definitions';
import { useMe } from '../api/auth';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { GrantsDialog } from './GrantsDialog';

/**
 * After a new object is saved: an admin chooses which roles get what; anyone else (an analyst)
 * is told that only admins can use it until an admin grants it.
 */
export function NewObjectGrants({ object, onClose }: { object: StoredDefinition; onClose: () => void }) {
  const { t, locale } = useI18n();
  const { notification } = App.useApp();
  const me = useMe();
  const admin = !!me.data?.roles.includes('admin');
  const label = pickLabel(object.label, locale, object.name);
  const told = useRef(false);
  useEffect(() => {
    if (!me.data || admin || told.current) return;
    told.current = true;
    notification.info({ message: t('admin.grants.analyst', { object: label }), duration: 8 });
    onClose();
  }, [me.data, admin, label, notification, t, onClose]);
  return admin ? <GrantsDialog object={object.name} label={label} onClose={onClose} /> : null;
}
