import { describe, expect, it } from 'vitest';
import {
  ARTICLE_TITLE,
  CHECKLIST,
  KEY_DATES,
  OKTA_PROVISIONING_CALLBACK_URL,
  allItems,
  buildChecklistView,
  daysBetween,
  deadlineStatus,
  findItem,
  isTickable,
  nextStep,
  summarizeProgress,
  type ChecklistProgress,
} from '../../main/core/checklist';
import { OKTA_ARTICLE_FACTS as ARTICLE } from '../fixtures/okta-article-facts';

/** Narrows away undefined, failing the test with a clear message. */
function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing ${what}`);
  return value;
}

const section = (id: string) => {
  const s = CHECKLIST.find((x) => x.id === id);
  if (!s) throw new Error(`no section ${id}`);
  return s;
};
const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ');

describe('checklist content', () => {
  it('has unique, dotted, stable ids', () => {
    const ids = allItems().map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+\.[a-z0-9.-]+$/);
    expect(ids).toContain('sf.open-app-manager');
  });

  it("holds the article's 3 prerequisites, 6 Salesforce actions and 8 Okta actions, in order", () => {
    expect(section('prereq').items.filter((i) => i.kind === 'prerequisite')).toHaveLength(3);
    expect(section('sf').items.filter((i) => i.kind === 'action')).toHaveLength(6);
    expect(section('okta').items.filter((i) => i.kind === 'action')).toHaveLength(8);
    expect(
      section('sf')
        .items.map((i) => i.id)
        .indexOf('sf.require-pkce'),
    ).toBeLessThan(
      section('sf')
        .items.map((i) => i.id)
        .indexOf('sf.save'),
    );
  });

  it("carries the article's title and cites no URL the article does not give", () => {
    expect(norm(ARTICLE_TITLE)).toContain(norm(ARTICLE.title).trim());
    expect(ARTICLE.url).toBeNull();
    const text = allItems()
      .map((i) => `${i.title} ${i.detail ?? ''}`)
      .join(' ');
    expect(text).not.toMatch(/support\.okta\.com|help\.okta\.com/);
  });

  it("follows the article's steps: same headings, one item per bullet, in order, naming its UI labels", () => {
    const stepSections = CHECKLIST.filter((x) => x.title.startsWith('Step '));
    expect(stepSections).toHaveLength(ARTICLE.steps.length);
    for (const [index, step] of ARTICLE.steps.entries()) {
      const s = must(stepSections[index], step.heading);
      expect(s.title.toLowerCase()).toBe(step.heading.toLowerCase());
      const actions = s.items.filter((i) => i.kind === 'action');
      expect(actions).toHaveLength(step.actions.length);
      step.actions.forEach((labels, i) => {
        const item = must(actions[i], `${step.heading} bullet ${i + 1}`);
        for (const label of labels) expect(norm(item.title), `${item.id}: ${label}`).toContain(norm(label));
      });
    }
  });

  it("lists the article's prerequisites in order, and who needs to act", () => {
    const prereqs = section('prereq').items.filter((i) => i.kind === 'prerequisite');
    expect(prereqs).toHaveLength(ARTICLE.prerequisites.length);
    ARTICLE.prerequisites.forEach((labels, i) => {
      const item = must(prereqs[i], `prerequisite ${i + 1}`);
      for (const label of labels) expect(norm(item.title)).toContain(norm(label));
    });
    const scope = norm(
      section('scope')
        .items.map((i) => `${i.title} ${i.detail ?? ''}`)
        .join(' '),
    );
    for (const label of [...ARTICLE.appliesTo, ...ARTICLE.noActionFor, ARTICLE.workflowsSymptom])
      expect(scope).toContain(norm(label).trim());
    expect(scope).toContain(norm(ARTICLE.workflowsRelease).trim());
  });

  it('carries the article dates, enforcement extended to 25 June 2026', () => {
    expect(KEY_DATES.map((d) => [d.id, d.date])).toEqual([
      ['preview', ARTICLE.dates.preview.iso],
      ['production', ARTICLE.dates.production.iso],
      ['enforcement', ARTICLE.dates.enforcement.iso],
    ]);
    expect(must(KEY_DATES[2], 'enforcement date').detail).toContain(ARTICLE.enforcementScope);
  });

  it('marks field guidance as beyond the article and covers the known pitfalls', () => {
    const g = section('guidance');
    expect(g.source).toBe('guidance');
    expect(g.items.every((i) => i.source === 'guidance')).toBe(true);
    const text = g.items.map((i) => `${i.title} ${i.detail ?? ''} ${(i.substeps ?? []).join(' ')}`).join(' ');
    for (const s of [
      'External Client Apps',
      'disabled',
      'Retry Selected',
      'five most recent tokens',
      'credentials used to connect to the API were invalid',
      'OAuth Refresh Error',
      'Reauthorize',
      OKTA_PROVISIONING_CALLBACK_URL,
      '2–10 minutes',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('maps every required verification check to at least one item', () => {
    const used = new Set(allItems().flatMap((i) => i.checkIds ?? []));
    for (const c of [
      'salesforce.okta-app.pkce-required',
      'salesforce.okta-app.tokens',
      'okta.salesforce-app.found',
      'okta.provisioning.auth-failures',
      'okta.provisioning.pkce-enabled',
      'salesforce.org.pkce-required',
      'salesforce.signin.pkce',
      'salesforce.okta-app.found',
    ]) {
      expect(used.has(c as never), c).toBe(true);
    }
    expect(findItem('okta.enable-pkce')?.checkIds).toEqual(['okta.provisioning.pkce-enabled']);
  });

  it('only actions and prerequisites are tickable', () => {
    expect(isTickable(must(findItem('scope.saml-only'), 'item'))).toBe(false);
    expect(isTickable(must(findItem('sf.save'), 'item'))).toBe(true);
    expect(isTickable(must(findItem('prereq.okta-admin-role'), 'item'))).toBe(true);
  });
});

describe('deadlineStatus', () => {
  it('counts days left before enforcement', () => {
    const s = deadlineStatus(new Date('2026-06-20T23:59:00Z'));
    expect(s.phase).toBe('production');
    expect(s.daysUntilEnforcement).toBe(5);
    expect(s.text).toMatch(/^5 days left/);
  });
  it('says Preview only between 9 and 11 June', () => {
    expect(deadlineStatus(new Date('2026-06-10T12:00:00Z')).phase).toBe('preview-only');
    expect(deadlineStatus(new Date('2026-06-01T12:00:00Z')).phase).toBe('before-preview');
  });
  it('uses singular for one day and says today on the day', () => {
    expect(deadlineStatus(new Date('2026-06-24T08:00:00Z')).text).toMatch(/^1 day left/);
    expect(deadlineStatus(new Date('2026-06-25T08:00:00Z')).text).toMatch(/today/);
  });
  it('counts days since enforcement', () => {
    const s = deadlineStatus(new Date('2026-11-25T10:00:00Z'));
    expect(s.phase).toBe('enforced');
    expect(s.text).toBe('Salesforce has enforced PKCE for 153 days (since 25 June 2026).');
  });
  it('daysBetween ignores time of day', () => {
    expect(daysBetween(new Date('2026-01-01T23:59:59Z'), new Date('2026-01-02T00:00:01Z'))).toBe(1);
  });
});

describe('progress and view model', () => {
  const total = allItems().filter(isTickable).length;

  it('summarises done/total/percent over tickable items only', () => {
    expect(summarizeProgress({})).toEqual({ done: 0, total, percent: 0 });
    const p: ChecklistProgress = {
      'sf.save': { done: true },
      'scope.saml-only': { done: true },
      'sf.log-in': { done: false },
    };
    expect(summarizeProgress(p)).toEqual({ done: 1, total, percent: Math.floor(100 / total) });
    const all = Object.fromEntries(allItems().map((i) => [i.id, { done: true }]));
    expect(summarizeProgress(all).percent).toBe(100);
  });

  it('nextStep is the first undone tickable item in article order', () => {
    expect(nextStep({})?.id).toBe('prereq.okta-rest-provisioning-app');
    const p = Object.fromEntries(section('prereq').items.map((i) => [i.id, { done: true }]));
    expect(nextStep(p)?.id).toBe('sf.log-in');
    expect(nextStep(Object.fromEntries(allItems().map((i) => [i.id, { done: true }])))).toBeUndefined();
  });

  it('view marks next step, verified items and conflicts', () => {
    const at = '2026-07-01T00:00:00.000Z';
    const view = buildChecklistView(
      'acme',
      {
        'sf.require-pkce': {
          done: true,
          doneBy: 'admin',
          evidence: {
            checkId: 'salesforce.okta-app.pkce-required',
            status: 'fail',
            summary: 'PKCE not required',
            at,
          },
        },
        'okta.select-salesforce-app': {
          done: false,
          evidence: { checkId: 'okta.salesforce-app.found', status: 'pass', summary: 'Found', at },
        },
        'sf.save': {
          done: true,
          evidence: { checkId: 'salesforce.okta-app.pkce-required', status: 'pass', summary: 'ok', at },
        },
      },
      new Date('2026-07-01T00:00:00Z'),
    );
    const items = view.sections.flatMap((s) => s.items);
    const byId = (id: string) =>
      must(
        items.find((i) => i.id === id),
        id,
      );
    expect(byId('sf.require-pkce').conflict).toBe('check-failed');
    expect(byId('okta.select-salesforce-app').conflict).toBe('check-passed-not-ticked');
    expect(byId('sf.save').verifiedByCheck).toBe(true);
    expect(byId('sf.save').conflict).toBeUndefined();
    expect(view.nextItemId).toBe('prereq.okta-rest-provisioning-app');
    expect(items.filter((i) => i.isNext)).toHaveLength(1);
    expect(view.deadline.phase).toBe('enforced');
    expect(view.summary.done).toBe(2);
    expect(
      must(
        view.sections.find((s) => s.id === 'sf'),
        'sf section',
      ).summary,
    ).toEqual({ done: 2, total: 6, percent: 33 });
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });
});
