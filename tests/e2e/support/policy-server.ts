/**
 * Serves a built site the way a static host that reads `_headers` (Netlify, Cloudflare Pages)
 * would: every response carries the headers the build wrote into `<site>/_headers`, so the test
 * checks the generated file itself, not a copy of the policy. Optionally under a base path.
 *
 * One addition, for the test only: the policy gets `report-uri <origin>/__csp-reports`, and the
 * server keeps the reports. Playwright does not hear a violation inside the model worker (it
 * neither fires in the page nor reaches the page's console), but the worker's policy reports it
 * (see violation-reports.ts).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { staticFileHandler } from '../../../bench/server';

export interface ViolationReport {
  documentUri: string;
  blockedUri: string;
  directive: string;
  sourceFile: string;
  sample: string;
}

export interface PolicyServer {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  /** The site's URL for a path of the site ('/explainers/x/'), base path included. */
  url(path: string): string;
  /** Every violation report received so far. */
  reports: ViolationReport[];
  close(): Promise<void>;
}

export const REPORT_PATH = '/__csp-reports';

interface HeaderRule {
  pattern: RegExp;
  headers: Array<[string, string]>;
}

/** Parses the `_headers` format: a path pattern (`*` matches anything) and its indented `Name: value` lines. */
export function parseHeadersFile(text: string): HeaderRule[] {
  const rules: HeaderRule[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      const pattern = new RegExp(`^${line.trim().split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      rules.push({ pattern, headers: [] });
      continue;
    }
    const rule = rules.at(-1);
    const colon = line.indexOf(':');
    if (!rule || colon < 0) throw new Error(`_headers: a header line outside a rule or without a colon: ${line}`);
    rule.headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return rules;
}

function toReport(body: string): ViolationReport {
  const report = (JSON.parse(body) as { 'csp-report': Record<string, string | undefined> })['csp-report'];
  return {
    documentUri: report['document-uri'] ?? '',
    blockedUri: report['blocked-uri'] ?? '',
    directive: report['effective-directive'] ?? report['violated-directive'] ?? '',
    sourceFile: report['source-file'] ?? '',
    sample: report['script-sample'] ?? '',
  };
}

/** Serves `siteDir` (an `astro build` output) at `base` ('/' or '/sub/path/') on a free port. */
export async function startPolicyServer(siteDir: string, base = '/'): Promise<PolicyServer> {
  const rules = parseHeadersFile(readFileSync(`${siteDir}/_headers`, 'utf8'));
  if (!rules.some((rule) => rule.headers.some(([name]) => name.toLowerCase() === 'content-security-policy'))) {
    throw new Error(`${siteDir}/_headers sets no Content-Security-Policy: run npm run build`);
  }
  const files = staticFileHandler(siteDir);
  const reports: ViolationReport[] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://site').pathname;
    if (request.method === 'POST' && path === REPORT_PATH) {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        reports.push(toReport(body));
        response.writeHead(204).end();
      });
      return;
    }
    if (!path.startsWith(base)) return void response.writeHead(404, { 'content-type': 'text/plain' }).end('outside the base path');
    const sitePath = `/${path.slice(base.length)}`;
    for (const rule of rules.filter((r) => r.pattern.test(sitePath))) {
      for (const [name, value] of rule.headers) {
        response.setHeader(name, name.toLowerCase() === 'content-security-policy' ? `${value}; report-uri ${REPORT_PATH}` : value);
      }
    }
    request.url = `${sitePath}${(request.url ?? '').slice(path.length)}`;
    files(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (sitePath) => `${origin}${base}${sitePath.replace(/^\//, '')}`,
    reports,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
