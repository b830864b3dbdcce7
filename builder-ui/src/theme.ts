import type { ThemeConfig } from 'antd';

/**
 * The app's Ant Design theme. One place, because the build pre-renders the component styles for
 * the theme with motion (antdStaticStyles in vite.config.ts): a theme that differs at run time
 * only loses the pre-rendered styles, and antd writes them in the browser again.
 */
export function appTheme(reducedMotion: boolean): ThemeConfig {
  return { token: { borderRadius: 8, motion: !reducedMotion } };
}
