import { MenuOutlined } from '@ant-design/icons';
import { Button, Drawer, Flex, Grid, Layout, Menu, theme } from 'antd';
import { Suspense, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useI18n } from '../i18n/context';
import { Brand } from './Brand';
import { FullPageSpin } from './FullPageSpin';
import { LanguageSwitch } from './LanguageSwitch';
import { PageErrorBoundary } from './PageErrorBoundary';
import { UserMenu } from './UserMenu';
import { DefaultPasswordBanner } from './DefaultPasswordBanner';
import { NotificationBell } from '../app/NotificationBell';
import { GlobalSearch } from '../search/GlobalSearch';
import { useAppMenu } from '../app/useAppMenu';
import { useProfileLocale } from './useProfileLocale';

const { Header, Sider, Content } = Layout;

/** The signed-in frame: side navigation (a drawer on phones), header, and the page. */
export function AppShell() {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [collapsed, setCollapsed] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();

  useProfileLocale();
  const { items, selected } = useAppMenu(location.pathname, location.search);
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={selected ? [selected] : []}
      items={items}
      onClick={({ key }) => {
        setDrawerOpen(false);
        void navigate(key);
      }}
      style={{ borderInlineEnd: 'none' }}
    />
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!phone && (
        <Sider
          theme="light"
          width={220}
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          // Sticky: the navigation stays in view on long pages.
          style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
        >
          <Flex align="center" style={{ height: 64, paddingInline: collapsed ? 26 : 20 }}>
            <Brand compact={collapsed} />
          </Flex>
          {/* Room under the last entry: the collapse bar lies over the Sider's bottom. */}
          <nav aria-label={t('nav.label')} style={{ paddingBottom: 48 }}>
            {menu}
          </nav>
        </Sider>
      )}
      {phone && (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          width={260}
          title={<Brand />}
          styles={{ body: { padding: 8 } }}
        >
          <nav aria-label={t('nav.label')}>{menu}</nav>
        </Drawer>
      )}
      {/* The line between nav and page is drawn here: the Sider's collapse bar would cover its own. */}
      <Layout style={{ minWidth: 0, borderInlineStart: phone ? undefined : `1px solid ${token.colorBorderSecondary}` }}>
        <Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            paddingInline: phone ? 12 : 24,
            position: 'sticky',
            top: 0,
            zIndex: 10,
            display: 'flex',
            alignItems: 'center',
            gap: 12,
          }}
        >
          {phone && (
            <>
              <Button
                type="text"
                icon={<MenuOutlined />}
                aria-label={t('nav.open')}
                onClick={() => setDrawerOpen(true)}
              />
              <Brand />
            </>
          )}
          <Flex align="center" gap={phone ? 8 : 16} style={{ marginInlineStart: 'auto', minWidth: 0 }}>
            <GlobalSearch compact={phone} />
            <NotificationBell />
            <LanguageSwitch />
            <UserMenu compact={phone} />
          </Flex>
        </Header>
        <Content style={{ padding: phone ? 12 : 24, minWidth: 0 }}>
          <DefaultPasswordBanner />
          <PageErrorBoundary key={location.pathname}>
            <Suspense fallback={<FullPageSpin />}>
              <Outlet />
            </Suspense>
          </PageErrorBoundary>
        </Content>
      </Layout>
    </Layout>
  );
}
