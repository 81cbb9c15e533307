/** /api/v1/policies: what is active, what happened to every version, and a reload on demand. */
import { Router } from 'express';
import type { PolicyFollower } from '../runtime/policy-follower';
import type { PolicyStore } from '../runtime/policy-store';

export function policyRoutes(store: PolicyStore, follower: PolicyFollower): Router {
  const router = Router();

  router.get('/current', (_req, res) => {
    const policy = store.current;
    res.json({
      version: policy.version,
      appliedAt: store.currentAppliedAt,
      severities: policy.severities,
      teams: Object.keys(policy.teams),
      services: policy.services,
    });
  });

  router.get('/history', (_req, res) => {
    res.json({ history: store.history });
  });

  /** Check the followed repository now instead of waiting for the next interval. */
  router.post('/reload', async (_req, res) => {
    res.json(await follower.check());
  });

  return router;
}
