import {
  AuditOutlined,
  BankOutlined,
  CarryOutOutlined,
  ContactsOutlined,
  CustomerServiceOutlined,
  FileTextOutlined,
  FundOutlined,
  GlobalOutlined,
  MoneyCollectOutlined,
  OrderedListOutlined,
  ProfileOutlined,
  ScheduleOutlined,
  ShoppingOutlined,
  TagsOutlined,
  StarFilled,
  UserAddOutlined,
} from '@ant-design/icons';
import type { MenuProps } from 'antd';
import type { ReactNode } from 'react';
import { useMe } from '../api/auth';
import { poolOwner, useObjects, type PoolDef } from '../api/objects';
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
  product: <ShoppingOutlined />,
  price_book: <TagsOutlined />,
  price_book_entry: <OrderedListOutlined />,
  quote: <ProfileOutlined />,
  quote_line: <OrderedListOutlined />,
  payment_plan: <ScheduleOutlined />,
  payment: <MoneyCollectOutlined />,
};

/** The list of an object's records that a pool holds: its menu entry's address. */
export const poolListPath = (object: string, pool: string) =>
  `/app/${object}?filter=${encodeURIComponent(`owner = "${poolOwner(pool)}"`)}`;

/** Whether the menu offers a pool to someone with these roles (the server decides what they see). */
function offersPool(p: PoolDef, roles: string[]): boolean {
  if (roles.includes('admin') || p.members.teams?.length || p.managers?.teams?.length) return true;
  return [...(p.members.roles ?? []), ...(p.managers?.roles ?? [])].some((r) => roles.includes(r));
}

/** Who designs the app (the builder's areas); everyone else works in it. */
export function isBuilder(roles: string[] | undefined): boolean {
  return !!roles?.some((r) => r === 'admin' || r === 'analyst');
}

/**
 * The side menu: the work area (inbox and one entry per object, in the definitions' order) for
 * everyone, then the builder's areas for admins and analysts; and the entry to highlight.
 */
export function useAppMenu(pathname: string, search = ''): { items: MenuProps['items']; selected?: string } {
  const { t, locale } = useI18n();
  const me = useMe();
  const objects = useObjects();
  const { favourites } = useShortlist();
  const work = [
    ...navItems.filter((i) => i.area === 'work').map((i) => ({ key: i.path, icon: i.icon, label: t(i.label) })),
    ...(objects.data ?? []).flatMap((o) => [
      {
        key: `/app/${o.name}`,
        icon: objectIcons[o.name] ?? <FileTextOutlined />,
        label: pickLabel(o.label, locale, o.name),
      },
      // A pool (线索池, 公海) is a list of its own for the reps who claim from it.
      ...(o.pools ?? [])
        .filter((p) => offersPool(p, me.data?.roles ?? []))
        .map((p) => ({
          key: poolListPath(o.name, p.name),
          icon: <GlobalOutlined />,
          label: pickLabel(p.label, locale, p.name),
        })),
    ]),
  ];
  const build = isBuilder(me.data?.roles)
    ? navItems.filter((i) => i.area === undefined).map((i) => ({ key: i.path, icon: i.icon, label: t(i.label) }))
    : [];
  const admin = me.data?.roles.includes('admin')
    ? navItems.filter((i) => i.area === 'admin').map((i) => ({ key: i.path, icon: i.icon, label: t(i.label) }))
    : [];
  const keys = [...work, ...build, ...admin].map((i) => i.key);
  const here = pathname + search;
  const selected =
    keys.find((k) => k.includes('?') && here === k) ??
    keys.filter((k) => pathname === k || pathname.startsWith(k + '/')).sort((a, b) => b.length - a.length)[0];
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
