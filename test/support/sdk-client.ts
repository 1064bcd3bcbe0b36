// Child process for the Microsoft SDK test: it must start with NODE_EXTRA_CA_CERTS (read only at start-up) to trust
// the test's self-signed certificate. Gets a token with @azure/identity's ClientSecretCredential, then drives the
// typed Graph SDK (@microsoft/msgraph-sdk) through create, read, paging, update and delete of users.

import { ClientSecretCredential } from '@azure/identity';
import { AzureIdentityAuthenticationProvider } from '@microsoft/kiota-authentication-azure';
import { createGraphServiceClient, GraphRequestAdapter } from '@microsoft/msgraph-sdk';
import '@microsoft/msgraph-sdk-users';

const [origin, tenant, clientId, clientSecret, domain] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const credential = new ClientSecretCredential(tenant, clientId, clientSecret, {
  authorityHost: origin,
  disableInstanceDiscovery: true,
});
const { token } = await credential.getToken('https://graph.microsoft.com/.default');
const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

const auth = new AzureIdentityAuthenticationProvider(
  credential,
  ['https://graph.microsoft.com/.default'],
  undefined,
  new Set([new URL(origin).hostname]),
);
const adapter = new GraphRequestAdapter(auth);
adapter.baseUrl = `${origin}/v1.0`;
const graph = createGraphServiceClient(adapter);

const created = [];
for (const name of ['ana', 'ben', 'cai']) {
  created.push(
    await graph.users.post({
      accountEnabled: true,
      displayName: `SDK ${name}`,
      mailNickname: name,
      userPrincipalName: `sdk-${name}@${domain}`,
      passwordProfile: { password: `Sdk-${name}-long-unusual-Passphrase!`, forceChangePasswordNextSignIn: false },
    }),
  );
}
const byId = await graph.users.byUserId(created[0]!.id!).get();
const byUpn = await graph.users.byUserId(`sdk-ben@${domain}`).get();
const pages: string[][] = [];
let page = await graph.users.get({ queryParameters: { top: 2, filter: "startswith(userPrincipalName,'sdk-')" } });
while (page) {
  pages.push((page.value ?? []).map((u) => u?.userPrincipalName ?? ''));
  page = page.odataNextLink ? await graph.users.withUrl(page.odataNextLink).get() : undefined;
}
await graph.users.byUserId(created[2]!.id!).patch({ displayName: 'SDK Cai Renamed' });
const renamed = await graph.users.byUserId(created[2]!.id!).get();
await graph.users.byUserId(created[1]!.id!).delete();
let afterDelete: { status?: number; code?: string } = {};
try {
  await graph.users.byUserId(created[1]!.id!).get();
} catch (e) {
  const err = e as { responseStatusCode?: number; errorEscaped?: { code?: string } };
  afterDelete = { status: err.responseStatusCode, code: err.errorEscaped?.code };
}
process.stdout.write(
  JSON.stringify({
    claims,
    createdIds: created.map((u) => u?.id),
    byId: byId?.userPrincipalName,
    byUpn: byUpn?.id,
    createdDateTimeIsDate: created[0]!.createdDateTime instanceof Date,
    pages,
    renamed: renamed?.displayName,
    afterDelete,
  }),
);
