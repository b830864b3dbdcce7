// The first admin of the test server (created from CRM_ADMIN_EMAIL / CRM_ADMIN_PASSWORD).
export const admin = { email: 'admin@example.com', password: 'e2e-admin-password' };
