import { CalendarOutlined, DatabaseOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { MessageKey } from '../i18n/messages';

export interface NavItem {
  path: string;
  label: MessageKey;
  icon: ReactNode;
}

// The side navigation: one entry per area of the builder; later areas are added here.
export const navItems: NavItem[] = [
  { path: '/objects', label: 'nav.objects', icon: <DatabaseOutlined /> },
  { path: '/calendars', label: 'nav.calendars', icon: <CalendarOutlined /> },
];

/** The entry whose path is the longest prefix of pathname. */
export function activeNav(pathname: string): string | undefined {
  return navItems
    .filter((i) => pathname === i.path || pathname.startsWith(i.path + '/'))
    .sort((a, b) => b.path.length - a.path.length)[0]?.path;
}
