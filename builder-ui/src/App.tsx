import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { newQueryClient } from './api/queryClient';
import { RequireAuth } from './auth/RequireAuth';
import { SessionExpiry } from './auth/SessionExpiry';
import { I18nProvider } from './i18n/I18nProvider';
import { FullPageSpin } from './shell/FullPageSpin';

// Every page is its own chunk; the shell comes with the first signed-in page.
const AppShell = lazy(() => import('./shell/AppShell').then((m) => ({ default: m.AppShell })));
const LoginPage = lazy(() => import('./pages/LoginPage'));
const ObjectsPage = lazy(() => import('./pages/ObjectsPage'));
const ObjectBuilderPage = lazy(() => import('./pages/ObjectBuilderPage'));
const RecordsPage = lazy(() => import('./pages/RecordsPage'));
const CalendarsPage = lazy(() => import('./pages/CalendarsPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

export function App() {
  const [queryClient] = useState(newQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <BrowserRouter>
          <SessionExpiry />
          <Suspense fallback={<FullPageSpin />}>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route element={<RequireAuth />}>
                <Route element={<AppShell />}>
                  <Route index element={<Navigate to="/objects" replace />} />
                  <Route path="/objects" element={<ObjectsPage />} />
                  <Route path="/objects/new" element={<ObjectBuilderPage />} />
                  <Route path="/objects/:name" element={<ObjectBuilderPage />} />
                  <Route path="/objects/:name/records" element={<RecordsPage />} />
                  <Route path="/calendars" element={<CalendarsPage />} />
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              </Route>
            </Routes>
          </Suspense>
        </BrowserRouter>
      </I18nProvider>
    </QueryClientProvider>
  );
}
