import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, measureReady, readyProbe } from '../page-ready';

// A page that, after a short delay, adds as many rows as its localStorage says (`rows`), the one named by
// `hidden` with display:none — so the probe has to wait for the rows and check their layout.
const PAGE = `<!doctype html><html><body><table><tbody id="t"></tbody></table><script>
setTimeout(() => {
  const n = Number(localStorage.getItem('rows') ?? 0);
  const hidden = Number(localStorage.getItem('hidden') ?? 0);
  for (let i = 1; i <= n; i++) {
    const tr = document.createElement('tr');
    tr.dataset.org = 'org-' + i;
    tr.innerHTML = '<td>org ' + i + '</td>';
    if (i === hidden) tr.style.display = 'none';
    document.getElementById('t').append(tr);
  }
  // Work the page starts once it is ready: an answer that starts one more request.
  if (localStorage.getItem('after')) fetch('/slow').then((r) => r.text()).then(() => fetch('/slow'));
  // A resource from off the machine (a web font, an analytics pixel): such a page cannot be timed.
  if (localStorage.getItem('stray')) new Image().src = 'https://cdn.example.com/pixel.png';
}, 30);
</script></body></html>`;

const ROWS = { selector: 'tbody tr[data-org]', nth: 3 };

describe('measureReady with an n-th element target', () => {
  let server: http.Server;
  let url: string;
  let browser: Browser;
  const slowAnswered: number[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url !== '/slow') return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('done');
        slowAnswered.push(performance.now());
      }, 200);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('is ready once the n-th match is laid out, counts the matches, and hands in localStorage', async () => {
    const run = await measureReady(browser, url, { target: ROWS, localStorage: { rows: '4' } });
    expect(run.matched).toBe(4);
    // The rows appear 30 ms after the script runs: the time cannot be from before them.
    expect(run.readyMs).toBeGreaterThan(30);
  });

  it('never calls a page ready with fewer matches than n, or when the n-th has no box', async () => {
    await expect(
      measureReady(browser, url, { target: ROWS, localStorage: { rows: '2' }, timeoutMs: 1500 }),
    ).rejects.toThrow(/Timeout/);
    await expect(
      measureReady(browser, url, { target: ROWS, localStorage: { rows: '3', hidden: '3' }, timeoutMs: 1500 }),
    ).rejects.toThrow(/Timeout/);
  });

  it("ends a load only when the page's own requests have ended, so none runs into the next load", async () => {
    const run = await measureReady(browser, url, { target: ROWS, localStorage: { rows: '3', after: '1' } });
    const returned = performance.now();
    expect(run.matched).toBe(3);
    // Both requests (the second started by the first's answer) were answered before the load ended.
    expect(slowAnswered).toHaveLength(2);
    expect(Math.max(...slowAnswered)).toBeLessThan(returned);
  });

  it('fails a load that asks for anything off this machine, without waiting on the network', async () => {
    const started = performance.now();
    await expect(
      measureReady(browser, url, { target: ROWS, localStorage: { rows: '3', stray: '1' } }),
    ).rejects.toThrow(/asked for https:\/\/cdn\.example\.com: a timed page may only load from this machine/);
    // The name resolves to nothing at once (launchChromium's resolver rules), far inside the 20 s timeout.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('starts from empty storage unless some is handed in', async () => {
    await expect(measureReady(browser, url, { target: ROWS, timeoutMs: 1500 })).rejects.toThrow(/Timeout/);
  });

  it('rejects a target that is not a 1-based position', () => {
    expect(() => readyProbe({ selector: 'tr', nth: 0 })).toThrow(/nth/);
  });
});
