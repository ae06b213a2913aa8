import type { AppInfo } from '../../../preload/contract';

/** First-run guide: create PKCE Pilot's own OAuth clients before adding an org. */
export function SetupGuide({ info }: { info: AppInfo }) {
  return (
    <section className="card guide" aria-labelledby="guide-title">
      <h2 id="guide-title">Before you start: give PKCE Pilot its own sign-in apps</h2>
      <p>
        PKCE Pilot signs in as you, with PKCE, through apps you create once. It never sees a password or a
        client secret.
      </p>
      <h3>1. In Salesforce: an External Client App</h3>
      <ol>
        <li>
          Setup &gt; Quick Find &gt; External Client App Manager &gt; New External Client App (Distribution
          State: Local).
        </li>
        <li>
          Enable OAuth. Callback URLs, one per line:
          <UrlList urls={info.setup.salesforceCallbackUrls} />
        </li>
        <li>
          OAuth scopes: <code>{info.setup.salesforceScopes}</code> (Manage user data via APIs, Perform
          requests at any time, Access the identity URL service).
        </li>
        <li>
          Tick <strong>Require Proof Key for Code Exchange (PKCE)</strong>; untick{' '}
          <strong>Require secret for Web Server Flow</strong> and{' '}
          <strong>Require secret for Refresh Token Flow</strong>.
        </li>
        <li>
          Save, then copy the <strong>Consumer Key</strong>. Changes take 2–10 minutes to reach Salesforce's
          login servers.
        </li>
      </ol>
      <h3>2. In Okta (optional): a native OIDC app</h3>
      <ol>
        <li>
          Applications &gt; Create App Integration &gt; OIDC &gt; Native Application; grant types
          Authorization Code and Refresh Token; PKCE required.
        </li>
        <li>
          Sign-in redirect URIs:
          <UrlList urls={info.setup.oktaRedirectUris} />
        </li>
        <li>
          Okta API Scopes tab: grant <code>{info.setup.oktaScopes}</code> (a Super Administrator can). Assign
          the app to yourself.
        </li>
        <li>
          Copy the <strong>Client ID</strong>.
        </li>
      </ol>
      <p>Then add your org below.</p>
    </section>
  );
}

/** Redirect URLs exactly as the admin must paste them, one per line. */
function UrlList({ urls }: { urls: readonly string[] }) {
  return (
    <ul className="mono-list">
      {urls.map((u) => (
        <li key={u}>
          <code>{u}</code>
        </li>
      ))}
    </ul>
  );
}
