// The one client of the bare oidc-provider (bench/bare-provider.ts), known to both that child and the load generator.

export const BARE_CLIENT = { id: 'bench-daemon', secret: 'bench-daemon-secret-0123456789abcdef' };
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
