// The role a first start assigns, named once from the built-in role table (src/domain/authz/permissions.ts).

import { ROLE_TEMPLATE_IDS } from './authz/permissions.js';

export const GLOBAL_ADMINISTRATOR = ROLE_TEMPLATE_IDS.globalAdministrator;
