import { createCache, extractStyle, StyleProvider } from '@ant-design/cssinjs';
import * as antd from 'antd';
import type { ThemeConfig } from 'antd';
import { createElement as h, Fragment, type ComponentType, type ReactNode } from 'react';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderToString } from 'react-dom/server';
import type { Plugin } from 'vite';

// Ant Design 5 writes its component styles in the browser (CSS-in-JS): on a cold load of a list
// that was about a third of the page's script time, plus a style recalculation per inserted
// <style>. The build renders the components once in Node instead and ships their styles as one
// CSS file. The file ends with antd's map of what it holds (a `content` rule on
// .data-ant-cssinjs-cache-path), and antd then skips generating any style it finds there. A
// component missing here, or a theme that differs, is generated in the browser as before.

const id = 'virtual:antd-static.css';
// A virtual module is CSS to Vite only when its id ends in .css.
const resolved = '\0antd-static.css';

// Components that render nothing or need a browser to render at all.
const skipped = new Set(['ConfigProvider', 'Grid', 'Tour']);

// Those whose styles come only with content (the pagination, sorters and selection of a table, a
// menu's items, a tag's colours) or open, in place rather than in a portal Node cannot render.
const withContent: Record<string, () => ReactNode> = {
  Modal: () => h(antd.Modal, { open: true, getContainer: false, title: 'a' }, 'a'),
  Drawer: () => h(antd.Drawer, { open: true, getContainer: false, title: 'a' }, 'a'),
  Popover: () => h(antd.Popover, { content: 'a' }, h('span')),
  Popconfirm: () => h(antd.Popconfirm, { title: 'a' }, h('span')),
  Tooltip: () => h(antd.Tooltip, { title: 'a' }, h('span')),
  Tag: () => h(Fragment, null, h(antd.Tag), h(antd.Tag, { color: 'blue' })),
  Space: () => h(Fragment, null, h(antd.Space), h(antd.Space.Compact, null, h(antd.Button), h(antd.Input))),
  Table: () =>
    h(antd.Table, {
      rowKey: 'k',
      columns: [{ title: 'a', dataIndex: 'a', sorter: true, ellipsis: true }],
      dataSource: [{ k: 1, a: 'x' }],
      rowSelection: {},
      pagination: { total: 100, showSizeChanger: true },
    }),
  Menu: () => h(antd.Menu, { items: [{ key: 'a', label: 'a' }] }),
  Dropdown: () => h(antd.Dropdown, { menu: { items: [] } }, h('span')),
  Tabs: () => h(antd.Tabs, { items: [{ key: 'a', label: 'a', children: 'a' }] }),
  Form: () => h(antd.Form, null, h(antd.Form.Item, { label: 'a', name: 'a' }, h(antd.Input))),
  Layout: () => h(antd.Layout, null, h(antd.Layout.Sider), h(antd.Layout.Header), h(antd.Layout.Content)),
};

/** The antd components the app imports (`import { Button, App as AntApp } from 'antd'`). */
export function usedComponents(srcDir: string): Set<string> {
  const used = new Set<string>();
  for (const file of readdirSync(srcDir, { recursive: true, encoding: 'utf8' })) {
    if (!/\.tsx?$/.test(file)) continue;
    const text = readFileSync(join(srcDir, file), 'utf8');
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'antd'/g)) {
      for (const spec of m[1].split(',')) {
        const name = spec
          .trim()
          .split(/\s+as\s+/)[0]
          .trim();
        if (/^[A-Z]/.test(name)) used.add(name);
      }
    }
  }
  return used;
}

function components(used: Set<string>): ReactNode {
  return Object.entries(antd)
    .filter(([name]) => used.has(name) && !skipped.has(name))
    .map(([name, C]) => h(Fragment, { key: name }, withContent[name] ? withContent[name]() : h(C as ComponentType)));
}

/** The CSS of the used antd components in the theme, with antd's map of what it holds. */
export function renderAntdStyles(theme: ThemeConfig, used: Set<string>): string {
  const cache = createCache();
  renderToString(h(StyleProvider, { cache }, h(antd.ConfigProvider, { theme }, h(antd.App, null, components(used)))));
  return extractStyle(cache, { plain: true });
}

/** Serves `virtual:antd-static.css`, rendered once per build (and per dev server start). */
export function antdStaticStyles(theme: ThemeConfig, srcDir: string): Plugin {
  let css: string | undefined;
  return {
    name: 'antd-static-styles',
    resolveId: (source) => (source === id ? resolved : undefined),
    load(loaded) {
      if (loaded !== resolved) return undefined;
      css ??= renderAntdStyles(theme, usedComponents(srcDir));
      return css;
    },
  };
}
