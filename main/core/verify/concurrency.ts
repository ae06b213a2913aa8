// How much `verify --all` does at once: a module of its own so the CLI's help can quote the numbers
// without loading the core.

/**
 * Orgs verified at the same time by `verify --all` (and the app's "Check all"). Each org is its own
 * Salesforce host (My Domain) with its own API limits, so the cap is about this process, not about
 * Salesforce; Okta, which many orgs share, has its own cap (OKTA_REQUESTS_PER_HOST). An org is a chain of
 * four or five round trips (identity, the Metadata API reads side by side, then the usage and permission
 * queries), so with 64 at a time 200 orgs wait through four such chains one after another. Measured with
 * the bench world (200 orgs vs 1, 100 ms server latency, 2 cores, 5–6 alternating rounds, session 13):
 * 64 at a time 2.98× one org, 100 2.72–2.86×, 128 2.63×, 200 2.67–2.73×, peak RSS 146–149 MiB for all.
 * Past ~100 the run is bound by CPU (HTTP, the Metadata API's XML, JSON), not by waiting; 128 keeps real
 * orgs, whose answers take longer than the bench's 100 ms, overlapping without holding every org's
 * sockets and answers of a large fleet at once.
 */
export const VERIFY_CONCURRENCY = 128;

/**
 * Okta API requests in flight to one Okta org at a time. Many Salesforce orgs can share one Okta org, and
 * Okta limits simultaneous requests per org (35 on the Integrator Free plan, 75 by default — shared with
 * everything else the org serves, provisioning included; Okta: "even large bulk loads rarely require more
 * than 10"). 20 stays well inside the lowest limit. Orgs signed in there as the same admin share their
 * reads (verify/okta-shared-reads.ts), so this cap matters for fleets with several Okta admins. A
 * used-up per-minute budget (X-Rate-Limit-Remaining: 0) pauses that host until X-Rate-Limit-Reset; a 429
 * is still handled by the Okta reader itself.
 */
export const OKTA_REQUESTS_PER_HOST = 20;
