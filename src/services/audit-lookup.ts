// Questions the HTTP layer asks about the audit log without touching the store itself.

import { createAuditEventsRepo } from '../store/repos/audit-events.js';
import type { Deps } from './deps.js';

/** Whether any audit event carries this correlation id (a use case already recorded the request). */
export async function hasAuditEventFor(deps: Pick<Deps, 'db'>, correlationId: string): Promise<boolean> {
  return createAuditEventsRepo(deps.db).hasEventWithCorrelationId(correlationId);
}
