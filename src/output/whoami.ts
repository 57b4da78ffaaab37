// Renders a whoami result: a readable report for people, or the stable JSON / YAML document.
import { formatDuration } from '../identity/identity.js';
import type { WhoamiResult } from '../identity/whoami.js';
import { keyValues, painter, table, toJson, toYaml, type Style } from './format.js';

/** The documented machine-readable shape (see README "whoami -o json"). */
export function whoamiDocument(r: WhoamiResult): Record<string, unknown> {
  return {
    context: r.context,
    credential: r.credential,
    identity: r.identity,
    token: r.token,
    groups: r.groups,
    groupsOverage: r.groupsOverage,
    server: r.server,
    warnings: r.warnings,
  };
}

export function renderWhoami(r: WhoamiResult, format: 'table' | 'json' | 'yaml', style: Style): string {
  if (format === 'json') return toJson(whoamiDocument(r));
  if (format === 'yaml') return toYaml(whoamiDocument(r));
  return renderReport(r, style);
}

const TYPE_LABEL: Record<string, string> = {
  user: 'user (member)',
  guest: 'guest user',
  servicePrincipal: 'service principal',
  managedIdentity: 'managed identity',
  clientCertificate: 'client certificate (local account)',
  unknown: 'unknown',
};

function credentialLine(r: WhoamiResult): string {
  const d = r.credential.details;
  switch (r.credential.source) {
    case 'exec':
      return `exec plugin: ${[d.command, ...((d.args as string[]) ?? [])].join(' ')}`;
    case 'tokenFile':
      return `token file ${String(d.path)}`;
    case 'token':
      return d.from === '--token flag' ? 'static token (--token)' : 'static token in the kubeconfig';
    case 'authProvider':
      return `legacy auth-provider "${String(d.provider)}" (cached token)`;
    case 'clientCertificate':
      return `client certificate${d.path ? ` ${String(d.path)}` : ' (embedded)'}${d.alsoSends ? ` (the kubeconfig also has a ${String(d.alsoSends)}; the server checks the certificate first)` : ''}`;
    case 'basicAuth':
      return `username and password (${String(d.username)})`;
    default:
      return 'none (anonymous)';
  }
}

function renderReport(r: WhoamiResult, style: Style): string {
  const p = painter(style);
  const out: string[] = [];
  const heading = (t: string) => out.push('', p.bold(t));
  const id = r.identity;

  out.push(
    keyValues([
      ['Context', `${r.context.name || '(none)'} (cluster ${r.context.cluster}, user ${r.context.user || '(none)'})`],
      ['Server', r.context.server],
      ['Credential', credentialLine(r)],
    ]).trimEnd(),
  );

  heading('Identity as AKS sees it');
  out.push(
    keyValues([
      ['Type', TYPE_LABEL[id.principalType]],
      ['Username', id.username ? `${id.username} (from ${id.usernameFrom})` : 'unknown'],
      ['Display name', id.displayName],
      ['UPN', id.upn],
      ['Object ID', id.objectId],
      ['Application ID', id.appId],
      ['Tenant', id.tenantId],
    ]).trimEnd(),
  );

  if (r.token) {
    const t = r.token;
    heading('Token');
    const left = t.secondsLeft === null ? null : t.expired ? p.red(`expired ${formatDuration(t.secondsLeft)} ago`) : p.green(`valid for ${formatDuration(t.secondsLeft)}`);
    const c = t.claims;
    out.push(
      keyValues([
        ['Issuer', t.issuer ? `${t.issuer}${t.version ? ` (v${t.version})` : ''}` : null],
        ['Audience', `${t.audience.join(', ') || '(none)'} ${t.audienceIsAks ? p.green('(AKS server application)') : p.red('(not AKS)')}`],
        ['Issued at', t.issuedAt],
        ['Expires at', t.expiresAt ? `${t.expiresAt}${left ? ` (${left})` : ''}` : null],
        ['Auth methods', Array.isArray(c.amr) ? c.amr.join(', ') : null],
        ['App roles', Array.isArray(c.roles) && c.roles.length ? c.roles.join(', ') : null],
        ['Directory roles', Array.isArray(c.wids) && c.wids.length ? c.wids.join(', ') : null],
        ['Managed identity', typeof c.xms_mirid === 'string' ? c.xms_mirid : null],
      ]).trimEnd(),
    );
  } else if (r.credential.certificate) {
    const cert = r.credential.certificate;
    heading('Certificate');
    out.push(
      keyValues([
        ['Subject', cert.subject],
        ['Issuer', cert.issuer],
        ['Valid', `${cert.notBefore} to ${cert.notAfter}`],
      ]).trimEnd(),
    );
  }

  heading(`Groups (${r.groups.length}${r.groupsOverage ? ', overage' : ''})`);
  if (r.groups.length === 0) {
    out.push(r.groupsOverage ? 'the token carries no groups (overage) and they could not be listed' : 'none');
  } else {
    out.push(table(['id', 'name', 'from'], r.groups.map((g) => [g.id, g.name ?? '-', g.source])).trimEnd());
  }

  heading('Server view (SelfSubjectReview)');
  if (r.server) {
    const s = r.server;
    const extra = Object.entries(s.extra).map(([k, v]) => `${k}=${v.join(',')}`).join('; ');
    out.push(
      keyValues([
        ['Username', s.usernameMatches ? s.username : p.yellow(`${s.username} (differs from the credential)`)],
        ['UID', s.uid],
        ['Groups', s.groups.length ? s.groups.join(', ') : '(none)'],
        ['Extra', extra || null],
        ['Added by server', s.addedGroups.length ? s.addedGroups.join(', ') : null],
        ['Not on server', s.missingGroups.length ? s.missingGroups.join(', ') : null],
      ]).trimEnd(),
    );
  } else {
    out.push(
      {
        skipped: 'not asked (--offline)',
        unreachable: 'the server could not be reached',
        rejected: 'the server rejected the credential',
        ok: '',
      }[r.serverStatus],
    );
  }
  return out.join('\n') + '\n';
}

/** Warnings for stderr in table mode, kubectl style. */
export function warningLines(r: { warnings: Array<{ code: string; message: string }> }, style: Style): string[] {
  const p = painter(style);
  return r.warnings.map((w) => `${p.yellow('Warning:')} ${w.message} [${w.code}]`);
}
