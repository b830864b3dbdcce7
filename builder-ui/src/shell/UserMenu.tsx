import { LogoutOutlined, SettingOutlined, UserOutlined } from '@ant-design/icons';
import { Avatar, Button, Dropdown, Flex, Typography } from 'antd';
import { Link, useNavigate } from 'react-router';
import { useMe } from '../api/auth';
import { EmailPrefSwitch } from '../email/EmailPrefSwitch';
import { useI18n } from '../i18n/context';
import { useSignOut } from './useSignOut';

/** The signed-in user and Sign out: spelled out on wide screens, behind the avatar on phones. */
export function UserMenu({ compact }: { compact: boolean }) {
  const { t } = useI18n();
  const { data: me } = useMe();
  const { signOut, pending } = useSignOut();
  const navigate = useNavigate();
  const email = me?.email ?? '';

  if (compact) {
    return (
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            { key: 'who', label: email, icon: <UserOutlined />, disabled: true },
            {
              key: 'profile',
              label: t('header.profile'),
              icon: <SettingOutlined />,
              onClick: () => void navigate('/profile'),
            },
            {
              key: 'email-pref',
              label: (
                <span>
                  <EmailPrefSwitch /> {t('email.pref.label')}
                </span>
              ),
            },
            { type: 'divider' },
            { key: 'signout', label: t('header.signOut'), icon: <LogoutOutlined />, onClick: () => void signOut() },
          ],
        }}
      >
        <Button
          type="text"
          shape="circle"
          aria-label={t('header.account')}
          icon={<Avatar size="small" icon={<UserOutlined />} />}
        />
      </Dropdown>
    );
  }
  return (
    <Flex align="center" gap={12} style={{ minWidth: 0 }}>
      <Avatar size="small" icon={<UserOutlined />} />
      <Link to="/profile" title={t('header.profile')} style={{ display: 'flex', minWidth: 0 }}>
        <Typography.Text className="crm-ellipsis" title={email} style={{ maxWidth: 240 }} data-testid="user-email">
          {email}
        </Typography.Text>
      </Link>
      <EmailPrefSwitch />
      <Button icon={<LogoutOutlined />} loading={pending} onClick={() => void signOut()}>
        {t('header.signOut')}
      </Button>
    </Flex>
  );
}
