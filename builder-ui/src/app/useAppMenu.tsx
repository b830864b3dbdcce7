import {
  AuditOutlined,
  BankOutlined,
  CarryOutOutlined,
  ContactsOutlined,
  CustomerServiceOutlined,
  FileTextOutlined,
  FundOutlined,
  StarFilled,
  UserAddOutlined,
} from '@ant-design/icons';
import type { MenuProps } from 'antd';
import type { ReactNode } from 'react';
import { useMe } from '../api/auth';
import { useObjects } from '../api/objects';
import { useI18n } from '../i18n/context';
import { pickLabel } from '../i18n/locale';
import { navItems } from '../shell/navItems';
import { useShortlist } from '../search/useShortlist';

export const objectIcons: Record<string, ReactNode> = {
  lead: <UserAddOutlined />,
  account: <BankOutlined />,
  contact: <ContactsOutlined />,
  opportunity: <FundOutlined />,
  contract: <AuditOutlined />,
  ticket: <CustomerServiceOutlined />,
  task: <CarryOutOutlined />,
};

/** Who designs the app (the builder's areas); everyone else works in it. */
export function isBuilder(roles: string[] | undefined): boolean {
  return !!roles?.some((r) => r === 'admin' || r === 'analyst');
}

/**
 * The side menu: the work area (inbox and one entry per object, in the definitions' order) for
 * everyone, then the builder's areas for admins and analysts; and the entry to highlight.
 */
export function useAppMenu(pathname: string): { items: MenuProps['items']; selected?: string } {
  const { t, locale } = useI18n();
  const me = useMe();
  const objects = useObjects();
  const { favourites } = useShortlist();
  const work = [
    ...navItems.filter((i) => i.area === 'work').map((i) => ({ key: i.path, icon: i.icon, label: t(i.label) })),
    ...(objects.data ?? []).map((o) => ({
      key: `/app/${o.name}`,
      icon: objectIcons[o.name] ?? <FileTextOutlined />,
      label: pickLabel(o.label, locale, o.name),
    })),
  ];
  const build = isBuilder(me.data?.roles)
    ? navItems.filter((i) => i.area === undefined).map((i) => ({ key: i.path, icon: i.icon, label: t(i.label) }))
    : [];
  const admin = me.data?.roles.includes('admin')
    ? navItems.filter((i) => i.area === 'admin').map((i) => ({ key: i.path, icon: i.icon, label: t(i.label) }))
    : [];
  const keys = [...work, ...build, ...admin].map((i) => i.key);
  const selected = keys
    .filter((k) => pathname === k || pathname.startsWith(k + '/'))
    .sort((a, b) => b.length - a.length)[0];
  const items: MenuProps['items'] = [{ type: 'group', key: 'work', label: t('nav.work'), children: work }];
  if (favourites.length > 0) {
    items.push({
      type: 'group',
      key: 'favourites',
      label: t('search.favourites'),
      children: favourites.map((f) => ({ key: `/app/${f.object}/${f.id}`, icon: <StarFilled />, label: f.title })),
    });
  }
  if (build.length > 0) items.push({ type: 'group', key: 'build', label: t('nav.build'), children: build });
  if (admin.length > 0) items.push({ type: 'group', key: 'admin', label: t('nav.admin'), children: admin });
  return { items, selected };
}
