import {
  ApartmentOutlined,
  ApiOutlined,
  BarChartOutlined,
  CalendarOutlined,
  DatabaseOutlined,
  FundOutlined,
  InboxOutlined,
  MailOutlined,
  SafetyOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { MessageKey } from '../i18n/messages';

export interface NavItem {
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /**
   * The end users' work area (src/app/useAppMenu.tsx), or the administration (admins only); the
   * others are the builder's, for admins and analysts.
   */
  area?: 'work' | 'admin';
}

// The side navigation: one entry per area of the builder; later areas are added here.
export const navItems: NavItem[] = [
  { path: '/objects', label: 'nav.objects', icon: <DatabaseOutlined /> },
  { path: '/calendars', label: 'nav.calendars', icon: <CalendarOutlined /> },
  { path: '/flows', label: 'nav.flows', icon: <ApartmentOutlined /> },
  { path: '/email', label: 'nav.email', icon: <MailOutlined /> },
  { path: '/reference', label: 'nav.apiReference', icon: <ApiOutlined /> },
  { path: '/dashboards', label: 'nav.dashboards', icon: <BarChartOutlined />, area: 'work' },
  { path: '/reports', label: 'nav.reports', icon: <FundOutlined />, area: 'work' },
  { path: '/inbox', label: 'nav.inbox', icon: <InboxOutlined />, area: 'work' },
  { path: '/admin/users', label: 'nav.users', icon: <UserOutlined />, area: 'admin' },
  { path: '/admin/teams', label: 'nav.teams', icon: <TeamOutlined />, area: 'admin' },
  { path: '/admin/roles', label: 'nav.roles', icon: <SafetyOutlined />, area: 'admin' },
];

/** The entry whose path is the longest prefix of pathname. */
export function activeNav(pathname: string): string | undefined {
  return navItems
    .filter((i) => pathname === i.path || pathname.startsWith(i.path + '/'))
    .sort((a, b) => b.path.length - a.path.length)[0]?.path;
}
