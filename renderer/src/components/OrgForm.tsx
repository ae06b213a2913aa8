import { useId, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import type { OrgView } from '../../../preload/contract';
import { call, errorText, UiError } from '../api';

type Field = 'alias' | 'salesforceLoginUrl' | 'clientId' | 'port' | 'oktaOrgUrl' | 'oktaClientId';
/** `confirmHost`: the box confirming a login URL outside the known Salesforce domains. */
type Errors = Partial<Record<Field | 'confirmHost', string>>;

const CONFIRM_HOST_ERROR =
  "Tick the box if this is your organisation's Salesforce login address, or correct the Salesforce login URL.";

interface Values {
  alias: string;
  salesforceLoginUrl: string;
  clientId: string;
  redirect: 'loopback' | 'scheme';
  port: string;
  oktaOrgUrl: string;
  oktaClientId: string;
}

const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Checks the form can make before asking main (which validates everything again). */
export function localErrors(v: Values): Errors {
  const e: Errors = {};
  if (!v.alias.trim()) e.alias = 'Enter a short name for this org, for example acme-prod.';
  else if (!ALIAS.test(v.alias.trim()))
    e.alias = 'Use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit.';
  if (!v.salesforceLoginUrl.trim())
    e.salesforceLoginUrl = 'Enter your My Domain URL, "production" or "sandbox".';
  if (!v.clientId.trim()) e.clientId = "Paste the Consumer Key of PKCE Pilot's External Client App.";
  if (v.port.trim() && !/^\d+$/.test(v.port.trim())) e.port = 'Enter a whole number from 1024 to 65535.';
  else if (v.port.trim() && (Number(v.port) < 1024 || Number(v.port) > 65535))
    e.port = 'Enter a whole number from 1024 to 65535.';
  if (Boolean(v.oktaOrgUrl.trim()) !== Boolean(v.oktaClientId.trim())) {
    const msg = 'The Okta org URL and the Okta client id go together: enter both, or neither.';
    if (!v.oktaOrgUrl.trim()) e.oktaOrgUrl = msg;
    else e.oktaClientId = msg;
  }
  return e;
}

/** Main names the field in its message; put the message next to that field. */
function fieldOf(message: string): Field | undefined {
  if (/alias/i.test(message)) return 'alias';
  if (/Salesforce login URL/i.test(message)) return 'salesforceLoginUrl';
  if (/Okta org URL/i.test(message)) return 'oktaOrgUrl';
  if (/Okta client id/i.test(message)) return 'oktaClientId';
  if (/consumer key|client-id/i.test(message)) return 'clientId';
  if (/port/i.test(message)) return 'port';
  return undefined;
}

interface Props {
  existing?: OrgView;
  onSaved: (org: OrgView) => void;
  onCancel?: () => void;
}

export function OrgForm({ existing, onSaved, onCancel }: Props) {
  const id = useId();
  const [v, setV] = useState<Values>(() => ({
    alias: existing?.alias ?? '',
    salesforceLoginUrl: existing?.salesforce.baseUrl ?? '',
    clientId: existing?.salesforce.clientId ?? '',
    redirect: existing?.salesforce.redirect ?? 'loopback',
    port: String(existing?.salesforce.port ?? 7171),
    oktaOrgUrl: existing?.okta?.baseUrl ?? '',
    oktaClientId: existing?.okta?.clientId ?? '',
  }));
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<{ message: string; hint: string }>();
  const [busy, setBusy] = useState(false);
  // Main's warning for a login URL outside the known Salesforce domains, and the admin's confirmation.
  const [hostWarning, setHostWarning] = useState<string>();
  const [hostConfirmed, setHostConfirmed] = useState(false);

  const set = (k: keyof Values) => (e: { target: { value: string } }) => {
    setV({ ...v, [k]: e.target.value });
    if (k === 'salesforceLoginUrl') {
      // A confirmation holds for the address it was given for, not for whatever is typed next.
      setHostWarning(undefined);
      setHostConfirmed(false);
    }
  };

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setFormError(undefined);
    const local = localErrors(v);
    // Main checks every field by its own rules at once, so all problems show in one round.
    let found: Errors = { ...local };
    let warning: string | undefined;
    try {
      const checked = await call('orgs.check', {
        alias: v.alias.trim(),
        salesforceLoginUrl: v.salesforceLoginUrl.trim(),
        clientId: v.clientId.trim(),
        redirect: v.redirect,
        // A port out of range is the form's own error (and outside what the channel accepts).
        ...(local.port || !v.port.trim() ? {} : { port: Number(v.port) }),
        ...(v.oktaOrgUrl.trim() ? { oktaOrgUrl: v.oktaOrgUrl.trim() } : {}),
        ...(v.oktaClientId.trim() ? { oktaClientId: v.oktaClientId.trim() } : {}),
        ...(existing ? { editing: true } : {}),
      });
      const server: Errors = {};
      for (const e of checked.errors) server[e.field] ??= e.message;
      // The form's own wording wins for empty fields; main's for everything it can tell beyond that.
      found = { ...server, ...local };
      warning = found.salesforceLoginUrl ? undefined : checked.loginHostWarning;
      if (warning && !hostConfirmed) found.confirmHost = CONFIRM_HOST_ERROR;
    } catch {
      // Main validates again on save; the local checks still apply, and so does a warning main gave
      // for this same address before (the warning is dropped whenever the address changes).
      warning = hostWarning;
      if (warning && !hostConfirmed) found.confirmHost = CONFIRM_HOST_ERROR;
    }
    // Rendered now, so that focus can move to the confirmation box it may have just added.
    flushSync(() => {
      setHostWarning(warning);
      setErrors(found);
    });
    if (Object.keys(found).length > 0) {
      const order: (keyof Errors)[] = [
        'alias',
        'salesforceLoginUrl',
        'confirmHost',
        'clientId',
        'port',
        'oktaOrgUrl',
        'oktaClientId',
      ];
      const first = order.find((f) => found[f]);
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const common = {
        salesforceLoginUrl: v.salesforceLoginUrl.trim(),
        clientId: v.clientId.trim(),
        redirect: v.redirect,
        ...(v.port.trim() ? { port: Number(v.port) } : {}),
        ...(v.oktaOrgUrl.trim()
          ? { oktaOrgUrl: v.oktaOrgUrl.trim(), oktaClientId: v.oktaClientId.trim() }
          : {}),
        // Only an address the admin saw the warning for and confirmed; main refuses any other unknown host.
        ...(warning && hostConfirmed ? { allowUnknownHost: true } : {}),
      };
      const org = existing
        ? await call('orgs.update', { alias: existing.alias, ...common })
        : await call('orgs.add', { alias: v.alias.trim(), ...common });
      onSaved(org);
    } catch (e) {
      const t = errorText(e);
      if (e instanceof UiError && e.error.code === 'unknown-host') {
        // The check could not warn beforehand (or the address changed meanwhile): ask now.
        flushSync(() => {
          setHostWarning(t.message);
          setHostConfirmed(false);
          setErrors({ confirmHost: CONFIRM_HOST_ERROR });
        });
        document.getElementById(`${id}-confirmHost`)?.focus();
        return;
      }
      const field = fieldOf(t.message);
      if (field) {
        setErrors({ [field]: `${t.message} ${t.hint}` });
        document.getElementById(`${id}-${field}`)?.focus();
      } else setFormError(t);
    } finally {
      setBusy(false);
    }
  }

  const input = (
    field: Field,
    label: string,
    help: string,
    extra: { placeholder?: string; disabled?: boolean; inputMode?: 'numeric' } = {},
  ) => {
    const err = errors[field];
    const value = v[field];
    return (
      <div className="field">
        <label htmlFor={`${id}-${field}`}>{label}</label>
        <input
          id={`${id}-${field}`}
          name={field}
          value={value}
          onChange={set(field)}
          aria-invalid={err ? true : undefined}
          aria-describedby={[
            `${id}-${field}-help`,
            err ? `${id}-${field}-err` : '',
            field === 'salesforceLoginUrl' && hostWarning ? `${id}-host-warning` : '',
          ]
            .filter(Boolean)
            .join(' ')}
          autoComplete="off"
          spellCheck={false}
          {...extra}
        />
        <p className="help" id={`${id}-${field}-help`}>
          {help}
        </p>
        {err && (
          <p className="field-error" id={`${id}-${field}-err`}>
            {err}
          </p>
        )}
      </div>
    );
  };

  return (
    <form className="card org-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{existing ? `Edit ${existing.alias}` : 'Add an org'}</h2>
      {input(
        'alias',
        'Alias',
        'A short name you choose, for example acme-prod.',
        existing ? { disabled: true } : { placeholder: 'acme-prod' },
      )}
      {input(
        'salesforceLoginUrl',
        'Salesforce login URL',
        'Your My Domain (https://acme.my.salesforce.com), or "production" / "sandbox".',
        { placeholder: 'https://acme.my.salesforce.com' },
      )}
      {hostWarning && (
        <div className="field host-confirm">
          <p className="host-warning" id={`${id}-host-warning`}>
            <strong>Check this address.</strong> {hostWarning}
          </p>
          <div className="checkbox-row">
            <input
              type="checkbox"
              id={`${id}-confirmHost`}
              checked={hostConfirmed}
              onChange={(e) => {
                setHostConfirmed(e.target.checked);
                if (e.target.checked) setErrors(({ confirmHost: _done, ...rest }) => rest);
              }}
              aria-invalid={errors.confirmHost ? true : undefined}
              aria-describedby={`${id}-host-warning${errors.confirmHost ? ` ${id}-confirmHost-err` : ''}`}
            />
            <label htmlFor={`${id}-confirmHost`}>
              This is my organisation&apos;s Salesforce login address
            </label>
          </div>
          {errors.confirmHost && (
            <p className="field-error" id={`${id}-confirmHost-err`}>
              {errors.confirmHost}
            </p>
          )}
        </div>
      )}
      {input(
        'clientId',
        'Salesforce Consumer Key',
        "From PKCE Pilot's External Client App (Settings > OAuth Settings > Consumer Key).",
      )}
      <div className="field">
        <label htmlFor={`${id}-redirect`}>Sign-in return</label>
        <select id={`${id}-redirect`} value={v.redirect} onChange={set('redirect')}>
          <option value="loopback">Loopback (http://127.0.0.1:port/oauth/callback/alias/…)</option>
          <option value="scheme">App link (com.pkcepilot.app:/oauth/callback/alias/…)</option>
        </select>
      </div>
      {input('port', 'Loopback port', 'Must match the callback URL you registered (default 7171).', {
        inputMode: 'numeric',
      })}
      <fieldset>
        <legend>Okta (optional, for the Okta checks)</legend>
        {input('oktaOrgUrl', 'Okta org URL', 'For example https://acme.okta.com.', {
          placeholder: 'https://acme.okta.com',
        })}
        {input('oktaClientId', 'Okta client id', "Client ID of PKCE Pilot's Okta native app.")}
      </fieldset>
      {formError && (
        <div className="error-note" role="alert">
          <strong>{formError.message}</strong> {formError.hint}
        </div>
      )}
      {Object.keys(errors).length > 0 && (
        <p className="field-error" role="alert">
          Please correct the highlighted {Object.keys(errors).length === 1 ? 'field' : 'fields'}.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {existing ? 'Save changes' : 'Add org'}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
