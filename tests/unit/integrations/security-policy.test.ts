/**
 * The site's Content-Security-Policy allows only what the site needs (see
 * integrations/security-policy.mjs): a new host, inline or eval'd script, or a looser directive
 * fails here first. The e2e test security-policy.spec.ts then runs the built site under it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { moveInlineCode } from '../../../integrations/externalize-inline-code.mjs';
import { META_TAG, withMetaPolicy } from '../../../integrations/security-headers.mjs';
import {
  CONTENT_SECURITY_POLICY,
  HEADER_ONLY_DIRECTIVES,
  headersFile,
  HUB_CONNECT_SOURCES,
  META_CONTENT_SECURITY_POLICY,
  POLICY_DIRECTIVES,
  STATIC_HOST_HEADERS,
} from '../../../integrations/security-policy.mjs';
import { HUB_HOST } from '../../../src/lib/runtime/registry';
import { parseHeadersFile } from '../../e2e/support/policy-server';

const directive = (name: string): readonly string[] => POLICY_DIRECTIVES[name] ?? [];

describe('the Content-Security-Policy', () => {
  it('runs only the site’s own scripts and workers, and compiles only WebAssembly', () => {
    expect(directive('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directive('worker-src')).toEqual(["'self'"]);
    expect(directive('default-src')).toEqual(["'none'"]);
  });

  it('closes plugins, <base>, forms and framing', () => {
    expect(directive('object-src')).toEqual(["'none'"]);
    expect(directive('base-uri')).toEqual(["'none'"]);
    expect(directive('form-action')).toEqual(["'none'"]);
    expect(directive('frame-ancestors')).toEqual(["'none'"]);
  });

  it('names no other host than the Hub’s, and those only for fetch', () => {
    for (const [name, sources] of Object.entries(POLICY_DIRECTIVES)) {
      const hosts = sources.filter((source) => !source.startsWith("'") && source !== 'data:');
      expect(hosts, name).toEqual(name === 'connect-src' ? [...HUB_CONNECT_SOURCES] : []);
    }
    expect(directive('connect-src')).toEqual(["'self'", 'https://huggingface.co', 'https://*.hf.co']);
  });

  it('allows the host the worker downloads Hub models from', () => {
    expect(directive('connect-src')).toContain(new URL(HUB_HOST).origin);
  });

  it('allows inline code nowhere but style attributes, and no eval, blob: or data: code', () => {
    for (const [name, sources] of Object.entries(POLICY_DIRECTIVES)) {
      if (name !== 'style-src-attr') expect(sources, name).not.toContain("'unsafe-inline'");
      expect(sources, name).not.toContain("'unsafe-eval'");
      expect(sources, name).not.toContain("'unsafe-hashes'");
      expect(sources, name).not.toContain('blob:');
      if (name !== 'img-src') expect(sources, name).not.toContain('data:');
    }
    expect(directive('style-src').filter((s) => s !== "'self'").every((s) => /^'sha256-[A-Za-z0-9+/]{43}='$/.test(s))).toBe(true);
  });

  it('is one header line, and its <meta> copy leaves out only what meta cannot carry', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/[\n\r]/);
    expect(META_CONTENT_SECURITY_POLICY).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
    for (const name of HEADER_ONLY_DIRECTIVES) expect(META_CONTENT_SECURITY_POLICY).not.toContain(name);
  });
});

describe('the _headers file', () => {
  it('sends every static-host header on every path', () => {
    const rules = parseHeadersFile(headersFile());
    expect(rules).toHaveLength(1);
    expect(rules[0].pattern.test('/explainers/03-dola/')).toBe(true);
    expect(rules[0].pattern.test('/_astro/worker-abc.js')).toBe(true);
    expect(Object.fromEntries(rules[0].headers)).toEqual(STATIC_HOST_HEADERS);
  });

  it('is what README shows', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const body = headersFile().split('\n').filter((line) => !line.startsWith('#')).join('\n');
    expect(readme, 'README, "Security and limits", shows the _headers file the build writes (dist/_headers)').toContain(body);
  });
});

describe('moving inline code into files', () => {
  const stored: Array<[string, string]> = [];
  const store = (content: string, ext: '.js' | '.css') => {
    stored.push([content, ext]);
    return `/base/_astro/inline.${stored.length}${ext}`;
  };

  it('replaces inline scripts and styles in place and leaves external scripts and data blocks', () => {
    const html = [
      '<head><style>a{color:red}</style><script type="module" src="/base/_astro/page.js"></script></head>',
      '<body><script>window.a=1</script><script type="module">import "/x.js"</script>',
      '<script type="application/json">{"a":1}</script></body>',
    ].join('');
    const result = moveInlineCode(html, store);
    expect(result.moved).toBe(3);
    expect(result.html).toBe(
      [
        '<head><link rel="stylesheet" href="/base/_astro/inline.3.css"><script type="module" src="/base/_astro/page.js"></script></head>',
        '<body><script src="/base/_astro/inline.1.js"></script><script type="module" src="/base/_astro/inline.2.js"></script>',
        '<script type="application/json">{"a":1}</script></body>',
      ].join(''),
    );
    expect(stored).toEqual([
      ['window.a=1', '.js'],
      ['import "/x.js"', '.js'],
      ['a{color:red}', '.css'],
    ]);
  });

  it('puts the <meta> policy right after <meta charset>', () => {
    expect(withMetaPolicy('<html><head><meta charset="utf-8"><title>t</title></head></html>')).toBe(
      `<html><head><meta charset="utf-8">${META_TAG}<title>t</title></head></html>`,
    );
  });
});
