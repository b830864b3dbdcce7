// Texts of the API reference page (/reference); spread into messages.ts.

export const apirefEn = {
  'nav.apiReference': 'API reference',
  'apiref.title': 'API reference',
  'apiref.subtitle': 'Every route of the server, with the objects you may read and their fields.',
  'apiref.intro':
    'Integrations call the API with an API token in the Authorization header (Bearer). The document at {url} is OpenAPI 3.1: read with a token, it includes that user’s objects, and client generators work from it.',
  'apiref.tokens': 'Make an API token on your profile',
  'apiref.download': 'Open the OpenAPI document',
  'apiref.loadFailed': 'The API reference could not be loaded',
} as const;

export const apirefZhCN: Record<keyof typeof apirefEn, string> = {
  'nav.apiReference': 'API 参考',
  'apiref.title': 'API 参考',
  'apiref.subtitle': '服务器的每条路由，以及您可读取的对象和它们的字段。',
  'apiref.intro':
    '集成在 Authorization 请求头中携带 API 令牌（Bearer）调用 API。{url} 上的文档为 OpenAPI 3.1：用令牌读取时包含该用户的对象，可直接用于客户端代码生成器。',
  'apiref.tokens': '在个人资料中创建 API 令牌',
  'apiref.download': '打开 OpenAPI 文档',
  'apiref.loadFailed': '无法加载 API 参考',
};
