/**
 * The web bridge inlines its stand-in preload after the page's CSP meta and allows it by hash only.
 * (Chromium honouring the hash is what every `web` e2e test relies on; this checks the edit itself.)
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withInlineBridge } from '../../main/dev/web-bridge';

const HTML = `<!doctype html><html><head><meta charset="utf-8" />
<meta
  http-equiv="Content-Security-Policy"
  content="default-src 'self'; script-src 'self'; style-src 'self'"
/>
<script type="module" src="./assets/app.js"></script><link rel="stylesheet" href="./assets/app.css"></head><body></body></html>`;

describe('withInlineBridge', () => {
  const script = 'window.pkcePilot = Object.freeze({});';
  const hash = createHash('sha256').update(script).digest('base64');

  it("adds exactly the script's hash to script-src and puts the script before the app's own tags", () => {
    const page = withInlineBridge(HTML, script);
    expect(page).toContain(`script-src 'self' 'sha256-${hash}'; style-src 'self'`);
    expect(page).not.toContain('unsafe-inline');
    const at = page.indexOf(`<script>${script}</script>`);
    expect(at).toBeGreaterThan(page.indexOf('Content-Security-Policy'));
    // Before the stylesheet, which would otherwise hold an inline script until it has loaded.
    expect(at).toBeLessThan(page.indexOf('<link rel="stylesheet"'));
    expect(page.replace(`<script>${script}</script>`, '').replace(` 'sha256-${hash}'`, '')).toBe(HTML);
  });

  it('refuses a page without a CSP to extend, and a script that would end its own tag', () => {
    expect(() => withInlineBridge('<html><head></head></html>', script)).toThrow(/no CSP meta/);
    expect(() => withInlineBridge(HTML, 'x = "</script>"')).toThrow(/cannot be inlined/);
  });
});
