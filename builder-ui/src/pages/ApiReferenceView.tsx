import SwaggerUI from 'swagger-ui-react';
import 'swagger-ui-react/swagger-ui.css';
import './ApiReferencePage.css';
import { withSession, type OpenAPIDocument } from '../api/openapi';

/**
 * The document drawn by Swagger UI (swagger-ui-react: a maintained renderer that supports React
 * 19). A chunk of its own, with its styles, that only ApiReferencePage loads: it weighs 1.5 MB.
 */
export default function ApiReferenceView({ spec }: { spec: OpenAPIDocument }) {
  return (
    // Wide parts (a schema's table, a long example) scroll here, never the page.
    <div className="crm-apiref" data-testid="api-reference">
      <SwaggerUI
        spec={spec}
        // Tags closed: a short overview to open from, and far less to draw than ~180 operations.
        docExpansion="none"
        defaultModelsExpandDepth={1}
        filter
        requestInterceptor={(req) => withSession(req as { url: string })}
        // The request as written: the snippets never show the CSRF header added above.
        showMutatedRequest={false}
      />
    </div>
  );
}
