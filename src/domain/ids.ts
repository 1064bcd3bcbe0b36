// Identifier helpers: Graph object ids are lower-case hyphenated GUIDs.

import { randomUUID } from 'node:crypto';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const newId = (): string => randomUUID();
export const isGuid = (s: string): boolean => GUID.test(s);
