/**
 * The IPC contract: one zod definition of every method the renderer may call, shared by main
 * (validation before the handler, output stripping after), the preload (channel names) and the
 * renderer (types). Inputs are strict (unknown keys refused, lengths capped); outputs strip unknown keys,
 * so nothing a core result carries by mistake (a token) reaches the window.
 * No output field may be named like a token, verifier, secret or code (test/unit/contract.test.ts).
 * Written with zod/mini, as the stores are (main/core/storage/schema.ts says why): with one classic schema
 * left in main, the CLI's shared chunk carried classic zod's core parts too. zod's messages never reach
 * the window (the dispatcher answers with its own sentence).
 */
import * as z from 'zod/mini';

export const CHANNEL_PREFIX = 'pkce-pilot:';
export const EVENT_CHANNEL = 'pkce-pilot:event';
export function channelOf(method: ApiMethod): string {
  return `${CHANNEL_PREFIX}${method}`;
}

// ---- shared pieces -------------------------------------------------------------------------------

export const aliasSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'Use 1–64 letters, digits, ".", "_" or "-".'));
const itemIdSchema = z.string().check(z.regex(/^[a-z]+\.[a-z0-9.-]{1,80}$/));
const isoSchema = z.string().check(z.maxLength(40));
const text = (max: number) => z.string().check(z.maxLength(max));
export const providerSchema = z.enum(['salesforce', 'okta']);
const redirectKindSchema = z.enum(['loopback', 'scheme']);
const portSchema = z.number().check(z.int(), z.minimum(1024), z.maximum(65535));
export const linkTargetSchema = z.enum([
  'salesforce.setup',
  'salesforce.app-manager',
  'salesforce.external-client-apps',
  'salesforce.oauth-oidc-settings',
  'okta.applications',
  'okta.salesforce-provisioning',
  'okta.tasks',
  'okta.workflows-connections',
]);
const empty = z.strictObject({});

const providerSettingsSchema = z.object({
  baseUrl: text(2048),
  clientId: text(256),
  redirect: redirectKindSchema,
  port: portSchema,
});

export const orgSchema = z.object({
  alias: aliasSchema,
  salesforce: providerSettingsSchema,
  okta: z.optional(providerSettingsSchema),
  createdAt: isoSchema,
  updatedAt: isoSchema,
  /** Callback URLs the admin must register on PKCE Pilot's own apps for this org. */
  callbackUrls: z.array(text(2048)).check(z.maxLength(4)),
});

/** What the admin types; caps only — main validates meaning (login-url.ts) and names the bad field. */
const orgFields = {
  salesforceLoginUrl: text(2048),
  clientId: text(256),
  redirect: redirectKindSchema,
  port: z.optional(portSchema),
  oktaOrgUrl: z.optional(text(2048)),
  oktaClientId: z.optional(text(256)),
};

const evidenceStatusSchema = z.enum(['pass', 'fail', 'unknown', 'manual']);
const itemProgressSchema = z.object({
  done: z.boolean(),
  doneAt: z.optional(isoSchema),
  doneBy: z.optional(z.enum(['admin', 'verification'])),
  note: z.optional(text(2000)),
  noteAt: z.optional(isoSchema),
  evidence: z.optional(
    z.object({ checkId: text(100), status: evidenceStatusSchema, summary: text(2000), at: isoSchema }),
  ),
});

const summarySchema = z.object({
  done: z.number().check(z.int()),
  total: z.number().check(z.int()),
  percent: z.number(),
});
const deadlineSchema = z.object({
  phase: z.enum(['before-preview', 'preview-only', 'production', 'enforced']),
  daysUntilEnforcement: z.number().check(z.int()),
  text: text(300),
  enforcementDate: text(10),
});

const checklistItemSchema = z.object({
  id: text(100),
  kind: z.enum(['prerequisite', 'action', 'info', 'caveat']),
  title: text(1000),
  detail: z.optional(text(2000)),
  substeps: z.optional(z.array(text(1000))),
  source: z.enum(['article', 'guidance']),
  checkIds: z.optional(z.array(text(100))),
  link: z.optional(linkTargetSchema),
  tickable: z.boolean(),
  progress: itemProgressSchema,
  verifiedByCheck: z.boolean(),
  conflict: z.optional(z.enum(['check-failed', 'check-passed-not-ticked'])),
  isNext: z.boolean(),
});

export const checklistViewSchema = z.object({
  alias: aliasSchema,
  sections: z.array(
    z.object({
      id: text(100),
      title: text(300),
      intro: z.optional(text(1000)),
      source: z.enum(['article', 'guidance']),
      items: z.array(checklistItemSchema),
      summary: summarySchema,
    }),
  ),
  summary: summarySchema,
  nextItemId: z.optional(text(100)),
  deadline: deadlineSchema,
});

export const signInStatusSchema = z.object({
  alias: aliasSchema,
  provider: providerSchema,
  signedIn: z.boolean(),
  username: z.optional(text(320)),
  userId: z.optional(text(100)),
  orgId: z.optional(text(100)),
  instanceUrl: z.optional(text(2048)),
  since: z.optional(isoSchema),
});

const evidenceValueSchema = z.union([
  z.string().check(z.maxLength(2000)),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.string().check(z.maxLength(2000))).check(z.maxLength(200)),
]);
export const verificationResultSchema = z.object({
  org: aliasSchema,
  checkedAt: isoSchema,
  checks: z.array(
    z.object({
      id: text(100),
      status: evidenceStatusSchema,
      summary: text(2000),
      evidence: z.object({
        api: text(300),
        values: z.record(z.string().check(z.maxLength(100)), evidenceValueSchema),
        at: isoSchema,
      }),
    }),
  ),
});

// ---- the org status board and the fleet ----------------------------------------------------------

const stepStateSchema = z.enum([
  'verified',
  'failing',
  'could-not-check',
  'confirm-yourself',
  'not-set',
  'not-checked',
  'checking',
]);
const boardStepIdSchema = z.enum(['salesforce-app', 'okta-pkce', 'provisioning', 'workflows', 'org-wide']);
const boardStepSchema = z.object({
  id: boardStepIdSchema,
  title: text(300),
  state: stepStateSchema,
  optional: z.boolean(),
  detail: text(2500),
  checks: z
    .array(
      z.object({
        id: text(100),
        title: text(300),
        required: z.boolean(),
        status: evidenceStatusSchema,
        summary: text(2000),
        api: text(300),
        at: isoSchema,
        values: z.record(z.string().check(z.maxLength(100)), evidenceValueSchema),
      }),
    )
    .check(z.maxLength(20)),
  itemIds: z.array(text(100)).check(z.maxLength(10)),
  link: linkTargetSchema,
  confirmedAt: z.optional(isoSchema),
});
export const boardSchema = z.object({
  steps: z.array(boardStepSchema).check(z.maxLength(10)),
  next: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('checking') }),
    z.object({ kind: z.literal('sign-in'), provider: providerSchema }),
    z.object({ kind: z.literal('add-okta') }),
    z.object({ kind: z.literal('run-checks'), again: z.boolean() }),
    z.object({ kind: z.literal('open-link'), target: linkTargetSchema, stepId: boardStepIdSchema }),
    z.object({ kind: z.literal('done') }),
  ]),
  checkedAt: z.optional(isoSchema),
  stale: z.optional(z.enum(['old', 'changed'])),
  error: z.optional(text(2000)),
});

/**
 * A board as the fleet view shows it: each step's state and the next action, without the steps' checks and
 * wording (the org's own board, board.get, has them). With them, 200 verified orgs were 1.3 MB of JSON.
 */
export const fleetBoardSchema = z.extend(boardSchema, {
  steps: z
    .array(z.pick(boardStepSchema, { id: true, title: true, state: true, optional: true, confirmedAt: true }))
    .check(z.maxLength(10)),
});

const environmentSchema = z.enum(['production', 'sandbox', 'scratch', 'developer', 'local']);
export const fleetRowSchema = z.object({
  alias: aliasSchema,
  environment: environmentSchema,
  salesforceUrl: text(2048),
  hasOkta: z.boolean(),
  board: fleetBoardSchema,
});
const fleetReportFormatSchema = z.enum(['md', 'html', 'csv', 'json']);

export const appInfoSchema = z.object({
  name: text(100),
  version: text(50),
  platform: text(50),
  dataFolder: text(4096),
  deadline: deadlineSchema,
  /** First-run guide: what to register on PKCE Pilot's own apps. */
  setup: z.object({
    salesforceCallbackUrls: z.array(text(2048)),
    salesforceScopes: text(300),
    oktaRedirectUris: z.array(text(2048)),
    oktaScopes: text(300),
  }),
  features: z.object({
    verify: z.boolean(),
    reports: z.array(z.enum(['md', 'html', 'json', 'pdf'])),
    fleetReports: z.array(fleetReportFormatSchema),
    /** Orgs "Check all" verifies at the same time: the same number as `pkce-pilot verify --all`. */
    verifyConcurrency: z.number().check(z.int(), z.minimum(1), z.maximum(256)),
  }),
  /** Data files that could not be read and were kept aside (never silently reset): plain sentences. */
  notices: z.array(text(1000)).check(z.maxLength(20)),
});

// ---- the methods ---------------------------------------------------------------------------------

export const apiContract = {
  'app.info': { input: empty, output: appInfoSchema },
  /** Everything the window needs to show its first screen, in one round trip. */
  'app.start': {
    input: z.strictObject({ lastOrg: z.optional(aliasSchema) }),
    output: z.object({
      info: appInfoSchema,
      orgs: z.array(orgSchema),
      /** The checklist of the org to show first: `lastOrg` if it still exists, else the first org. */
      checklist: z.optional(checklistViewSchema),
    }),
  },
  'checklist.get': { input: z.strictObject({ alias: aliasSchema }), output: checklistViewSchema },
  'checklist.setDone': {
    input: z.strictObject({ alias: aliasSchema, itemId: itemIdSchema, done: z.boolean() }),
    output: checklistViewSchema,
  },
  'checklist.setNote': {
    input: z.strictObject({ alias: aliasSchema, itemId: itemIdSchema, note: text(2000) }),
    output: checklistViewSchema,
  },
  'orgs.list': { input: empty, output: z.object({ orgs: z.array(orgSchema) }) },
  /**
   * `allowUnknownHost`: the admin confirmed a login URL outside the known Salesforce domains (refused
   * with code 'unknown-host' otherwise; loopback test servers are exempt).
   */
  'orgs.add': {
    input: z.strictObject({ alias: text(200), ...orgFields, allowUnknownHost: z.optional(z.boolean()) }),
    output: orgSchema,
  },
  /** Every problem of the org form at once (add checks the alias is free too), so one round shows them all. */
  'orgs.check': {
    input: z.strictObject({ alias: text(200), ...orgFields, editing: z.optional(z.boolean()) }),
    output: z.object({
      errors: z
        .array(
          z.object({
            field: z.enum(['alias', 'salesforceLoginUrl', 'clientId', 'port', 'oktaOrgUrl', 'oktaClientId']),
            message: text(1000),
          }),
        )
        .check(z.maxLength(6)),
      /** The login URL is valid but not on a known Salesforce domain: saving needs `allowUnknownHost`. */
      loginHostWarning: z.optional(text(1000)),
    }),
  },
  'orgs.update': {
    input: z.strictObject({
      alias: aliasSchema,
      salesforceLoginUrl: z.optional(orgFields.salesforceLoginUrl),
      clientId: z.optional(orgFields.clientId),
      redirect: z.optional(orgFields.redirect),
      port: orgFields.port,
      oktaOrgUrl: orgFields.oktaOrgUrl,
      oktaClientId: orgFields.oktaClientId,
      allowUnknownHost: z.optional(z.boolean()),
    }),
    output: orgSchema,
  },
  'orgs.remove': {
    input: z.strictObject({ alias: aliasSchema }),
    output: z.object({ removed: z.boolean() }),
  },
  'signIn.start': {
    input: z.strictObject({ alias: aliasSchema, provider: providerSchema }),
    output: z.object({
      alias: aliasSchema,
      provider: providerSchema,
      phase: z.literal('waiting-for-browser'),
    }),
  },
  'signIn.cancel': {
    input: z.strictObject({ alias: aliasSchema, provider: providerSchema }),
    output: z.object({ cancelled: z.boolean() }),
  },
  'signIn.signOut': {
    input: z.strictObject({ alias: aliasSchema, provider: providerSchema }),
    output: z.object({ signedOut: z.boolean() }),
  },
  'signIn.status': {
    input: z.strictObject({ alias: aliasSchema }),
    output: z.object({ statuses: z.array(signInStatusSchema) }),
  },
  'verify.run': { input: z.strictObject({ alias: aliasSchema }), output: verificationResultSchema },
  /** The org's status board from the last verification (restored after a restart), progress and sign-ins. */
  'board.get': { input: z.strictObject({ alias: aliasSchema }), output: boardSchema },
  /** Every org with its board, without sign-in state (that needs the keychain: fleet.signInStatus). */
  'fleet.list': {
    input: empty,
    output: z.object({ orgs: z.array(fleetRowSchema).check(z.maxLength(1000)) }),
  },
  'fleet.signInStatus': {
    input: empty,
    output: z.object({
      orgs: z
        .array(z.object({ alias: aliasSchema, salesforce: z.boolean(), okta: z.optional(z.boolean()) }))
        .check(z.maxLength(1000)),
    }),
  },
  'report.exportFleet': {
    input: z.strictObject({ format: fleetReportFormatSchema }),
    output: z.object({ path: text(4096), format: fleetReportFormatSchema }),
  },
  'report.export': {
    input: z.strictObject({ alias: aliasSchema, format: z.enum(['md', 'html', 'json', 'pdf']) }),
    output: z.object({ path: text(4096), format: z.enum(['md', 'html', 'json', 'pdf']) }),
  },
  'links.open': {
    input: z.strictObject({ alias: aliasSchema, target: linkTargetSchema }),
    output: z.object({ opened: z.boolean(), url: text(2048) }),
  },
} as const;

export type ApiContract = typeof apiContract;
export type ApiMethod = keyof ApiContract;
export const API_METHODS = Object.keys(apiContract) as ApiMethod[];

export type ApiInput<M extends ApiMethod> = z.input<ApiContract[M]['input']>;
export type ApiOutput<M extends ApiMethod> = z.output<ApiContract[M]['output']>;

/** Main-side handlers: take the parsed input, resolve to the output, throw a PilotError on failure. */
export type ApiHandlers = {
  readonly [M in ApiMethod]: (input: z.output<ApiContract[M]['input']>) => Promise<ApiOutput<M>>;
};

export interface ApiError {
  readonly code: string;
  readonly message: string;
  readonly hint: string;
}
export type ApiResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

// ---- events (main → renderer) --------------------------------------------------------------------

export const signInPhaseSchema = z.enum([
  'waiting-for-browser',
  'exchanging',
  'signed-in',
  'error',
  'cancelled',
]);
export const appEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('sign-in'),
    alias: aliasSchema,
    provider: providerSchema,
    phase: signInPhaseSchema,
    message: z.optional(text(1000)),
    username: z.optional(text(320)),
  }),
  z.object({
    type: z.literal('verification'),
    alias: aliasSchema,
    phase: z.enum(['started', 'finished', 'error']),
    message: z.optional(text(1000)),
  }),
  z.object({ type: z.literal('orgs-changed') }),
]);
export type AppEvent = z.output<typeof appEventSchema>;
export type SignInPhase = z.output<typeof signInPhaseSchema>;

/** `window.pkcePilot`: one function per method returning the result envelope, plus event subscription. */
export type PkcePilotApi = {
  readonly [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiResult<ApiOutput<M>>>;
} & {
  /** Returns an unsubscribe function. */
  readonly onEvent: (listener: (event: AppEvent) => void) => () => void;
};

export type OrgView = z.output<typeof orgSchema>;
export type ChecklistViewDto = z.output<typeof checklistViewSchema>;
export type VerificationResultDto = z.output<typeof verificationResultSchema>;
export type SignInStatusDto = z.output<typeof signInStatusSchema>;
export type AppInfo = z.output<typeof appInfoSchema>;
export type LinkTargetDto = z.output<typeof linkTargetSchema>;
export type BoardDto = z.output<typeof boardSchema>;
export type FleetBoardDto = z.output<typeof fleetBoardSchema>;
export type BoardStepDto = BoardDto['steps'][number];
export type FleetRowDto = z.output<typeof fleetRowSchema>;
export type FleetReportFormat = z.output<typeof fleetReportFormatSchema>;
