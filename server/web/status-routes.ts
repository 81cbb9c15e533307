/**
 * The public status page, mounted before the bearer middleware: GET /status (HTML), GET /api/v1/status
 * (JSON) and the shared stylesheet. Everything it shows goes through `publicIncident`.
 */
import { Router } from 'express';
import type { Incidents } from '../../engine/incidents';
import type { PolicyStore } from '../runtime/policy-store';
import { EngineUnavailableError } from '../../engine/errors';
import { html } from './html';
import { page, sendHtml, STYLESHEET_PATH } from './layout';
import { StatusSource } from './status-source';
import { statusPage } from './status-page';
import { STYLESHEET } from './styles';

export function statusRoutes(incidents: Incidents, policies: PolicyStore): Router {
  const router = Router();
  const source = new StatusSource(incidents, policies);

  router.get('/api/v1/status', async (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(await source.current());
  });

  router.get('/status', async (_req, res) => {
    try {
      sendHtml(res, 200, statusPage(await source.current()), { cache: 'no-cache' });
    } catch (error) {
      // Customers get a page, not JSON, when the engine is briefly away; anything else is a bug for the error handler.
      if (!(error instanceof EngineUnavailableError)) throw error;
      res.set('Retry-After', '5');
      sendHtml(
        res,
        503,
        page({ title: 'Status temporarily unavailable', body: html`<h1>Service status</h1><p role="alert">The status page is temporarily unavailable. Please try again in a minute.</p>` }),
      );
    }
  });

  router.get(STYLESHEET_PATH, (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=300').send(STYLESHEET);
  });

  return router;
}
