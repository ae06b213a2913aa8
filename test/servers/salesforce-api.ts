/**
 * Salesforce-shaped data APIs for the Salesforce test server (its `apiHandler`): REST SOQL query
 * (Organization, OauthToken, PermissionSetAssignment) and the SOAP Metadata API's listMetadata/readMetadata for ConnectedApp,
 * ExtlClntAppGlobalOauthSettings, ExternalClientApplication and OauthOidcSettings — parsing the envelopes exactly as jsforce 3.10
 * sends them (captured from jsforce: `<listMetadata><queries><type>…</type></queries>…`,
 * `<readMetadata><type>…</type><fullNames>…</fullNames>…`, session id in `<SessionHeader>`).
 * The test edits `state` between calls; faults answer the way Salesforce does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BearerValidator } from './oauth-test-server';

export interface TestConnectedApp {
  fullName: string;
  label?: string;
  /** One or more URLs separated by newlines, as Salesforce stores them. */
  callbackUrl: string;
  /** undefined = the field is absent from the answer. */
  isPkceRequired?: boolean;
  /** FileProperties.lastModifiedDate in listMetadata (Metadata API: FileProperties); default 2026-06-01. */
  lastModifiedDate?: string;
}

/**
 * An External Client App as the Metadata API shows it: the header (ExternalClientApplication: fullName =
 * API name, `label` = the name Setup shows and OauthToken.AppName carries) and its global OAuth
 * settings (ExtlClntAppGlobalOauthSettings: own fullName, `externalClientApplication` = the header's
 * API name, callbackUrl, isPkceRequired). Metadata API Developer Guide, API 59.0+.
 */
export interface TestExternalClientApp {
  /** ExtlClntAppGlobalOauthSettings fullName, e.g. `Okta_ECA_glbloauth`. */
  fullName: string;
  /** The ECA's API name (ExternalClientApplication fullName). */
  externalClientApplication: string;
  /** ExternalClientApplication.label; default = the API name. */
  label?: string;
  callbackUrl: string;
  isPkceRequired?: boolean;
  lastModifiedDate?: string;
}

/** One PermissionSetAssignment row (Object Reference: PermissionSetAssignment / PermissionSet). */
export interface TestPermissionSet {
  Name: string;
  IsOwnedByProfile: boolean;
  PermissionsModifyAllData: boolean;
  PermissionsCustomizeApplication: boolean;
}

/** Profile-owned permission set of the standard System Administrator profile. */
export const SYSTEM_ADMIN_PROFILE: TestPermissionSet = {
  Name: 'X00ex00000018ozh_128_09_04_12_1',
  IsOwnedByProfile: true,
  PermissionsModifyAllData: true,
  PermissionsCustomizeApplication: true,
};

export const DEFAULT_LAST_MODIFIED = '2026-06-01T09:00:00.000Z';

export interface TestOauthToken {
  AppName: string;
  UserId: string;
  CreatedDate: string;
  LastUsedDate: string | null;
  UseCount: number;
}

/** A SOAP fault (faultcode without the `sf:` prefix, e.g. INSUFFICIENT_ACCESS). */
export interface SoapFaultSpec {
  code: string;
  message: string;
}

export interface SalesforceApiState {
  /** Org-wide OauthOidcSettings.isPkceRequired; undefined = field absent. */
  orgPkceRequired?: boolean;
  connectedApps: TestConnectedApp[];
  externalClientApps: TestExternalClientApp[];
  oauthTokens: TestOauthToken[];
  /** The signed-in user's permission set assignments, profile included (default: System Administrator). */
  permissionSets: TestPermissionSet[];
  faults: {
    orgSettings?: SoapFaultSpec;
    connectedApps?: SoapFaultSpec;
    externalClientApps?: SoapFaultSpec;
    /** REST error for SOQL on OauthToken, e.g. { code: 'INSUFFICIENT_ACCESS', message: '…' }. */
    oauthTokenQuery?: SoapFaultSpec;
    permissionQuery?: SoapFaultSpec;
    /** SOAP fault for readMetadata(ExternalClientApplication) — the ECA header with its label. */
    ecaHeaders?: SoapFaultSpec;
  };
  /** Log of calls answered, for assertions (e.g. batch sizes): `listMetadata:ConnectedApp`, `readMetadata:ConnectedApp:3`, `query:OauthToken`. */
  calls: string[];
}

export function createSalesforceApiState(partial: Partial<SalesforceApiState> = {}): SalesforceApiState {
  return {
    connectedApps: [],
    externalClientApps: [],
    oauthTokens: [],
    permissionSets: [SYSTEM_ADMIN_PROFILE],
    faults: {},
    calls: [],
    ...partial,
  };
}

const SOAP_PATH = /^\/services\/Soap\/m\/(\d+\.\d+)$/;
const QUERY_PATH = /^\/services\/data\/v(\d+\.\d+)\/query\/?$/;
const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
function xmlUnescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function envelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    `xmlns="${METADATA_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

function sendSoapFault(res: ServerResponse, fault: SoapFaultSpec): void {
  res.writeHead(500, { 'content-type': 'text/xml; charset=utf-8' });
  res.end(
    envelope(
      `<soapenv:Fault><faultcode>sf:${xmlEscape(fault.code)}</faultcode><faultstring>${xmlEscape(fault.message)}</faultstring></soapenv:Fault>`,
    ),
  );
}

function sendSoap(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
  res.end(envelope(body));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function tagValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => xmlUnescape(m[1] ?? ''));
}

function field(name: string, value: string | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${xmlEscape(String(value))}</${name}>`;
}

function connectedAppRecord(app: TestConnectedApp): string {
  return (
    `<records xsi:type="ConnectedApp"><fullName>${xmlEscape(app.fullName)}</fullName>` +
    `<contactEmail>admin@acme.test</contactEmail>${field('label', app.label ?? app.fullName)}<oauthConfig>` +
    field('callbackUrl', app.callbackUrl) +
    '<consumerKey>3MVG9-test-consumer-key</consumerKey><isAdminApproved>false</isAdminApproved>' +
    '<isConsumerSecretOptional>false</isConsumerSecretOptional><isIntrospectAllTokens>false</isIntrospectAllTokens>' +
    field('isPkceRequired', app.isPkceRequired) +
    '<isSecretRequiredForRefreshToken>true</isSecretRequiredForRefreshToken><scopes>Api</scopes><scopes>RefreshToken</scopes>' +
    '</oauthConfig></records>'
  );
}

function ecaRecord(app: TestExternalClientApp): string {
  return (
    `<records xsi:type="ExtlClntAppGlobalOauthSettings"><fullName>${xmlEscape(app.fullName)}</fullName>` +
    field('callbackUrl', app.callbackUrl) +
    field('externalClientApplication', app.externalClientApplication) +
    field('isPkceRequired', app.isPkceRequired) +
    '</records>'
  );
}

/** FileProperties as listMetadata returns them (Metadata API Developer Guide, "FileProperties"). */
function listResult(type: string, fullName: string, lastModifiedDate = DEFAULT_LAST_MODIFIED): string {
  return (
    `<result><createdById>005000000000001AAA</createdById><createdByName>Admin User</createdByName>` +
    `<createdDate>2024-01-15T10:00:00.000Z</createdDate><fileName>${xmlEscape(type)}/${xmlEscape(fullName)}</fileName>` +
    `<fullName>${xmlEscape(fullName)}</fullName><id>0H4000000000001AAA</id>` +
    `<lastModifiedById>005000000000001AAA</lastModifiedById><lastModifiedByName>Admin User</lastModifiedByName>` +
    `<lastModifiedDate>${xmlEscape(lastModifiedDate)}</lastModifiedDate><manageableState>unmanaged</manageableState>` +
    `<type>${xmlEscape(type)}</type></result>`
  );
}

function ecaHeaderRecord(app: TestExternalClientApp): string {
  return (
    `<records xsi:type="ExternalClientApplication"><fullName>${xmlEscape(app.externalClientApplication)}</fullName>` +
    '<contactEmail>admin@acme.test</contactEmail><distributionState>Local</distributionState>' +
    `<isProtected>false</isProtected>${field('label', app.label ?? app.externalClientApplication)}</records>`
  );
}

function handleMetadata(state: SalesforceApiState, xml: string, res: ServerResponse): void {
  if (xml.includes('<listMetadata>')) {
    const type = tagValues(xml, 'type')[0] ?? '';
    state.calls.push(`listMetadata:${type}`);
    if (type === 'ConnectedApp') {
      if (state.faults.connectedApps) return sendSoapFault(res, state.faults.connectedApps);
      return sendSoap(
        res,
        `<listMetadataResponse>${state.connectedApps.map((a) => listResult(type, a.fullName, a.lastModifiedDate)).join('')}</listMetadataResponse>`,
      );
    }
    if (type === 'ExtlClntAppGlobalOauthSettings') {
      if (state.faults.externalClientApps) return sendSoapFault(res, state.faults.externalClientApps);
      return sendSoap(
        res,
        `<listMetadataResponse>${state.externalClientApps.map((a) => listResult(type, a.fullName, a.lastModifiedDate)).join('')}</listMetadataResponse>`,
      );
    }
    return sendSoap(res, '<listMetadataResponse></listMetadataResponse>');
  }
  if (xml.includes('<readMetadata>')) {
    const type = tagValues(xml, 'type')[0] ?? '';
    const names = tagValues(xml, 'fullNames');
    state.calls.push(`readMetadata:${type}:${names.length}`);
    if (names.length > 10)
      return sendSoapFault(res, {
        code: 'INVALID_CROSS_REFERENCE_KEY',
        message: 'Too many full names: at most 10 per call',
      });
    let records = '';
    if (type === 'OauthOidcSettings') {
      if (state.faults.orgSettings) return sendSoapFault(res, state.faults.orgSettings);
      records = names.includes('OauthOidc')
        ? `<records xsi:type="OauthOidcSettings"><fullName>OauthOidc</fullName>${field('isPkceRequired', state.orgPkceRequired)}</records>`
        : '';
    } else if (type === 'ConnectedApp') {
      if (state.faults.connectedApps) return sendSoapFault(res, state.faults.connectedApps);
      records = names
        .map((n) => state.connectedApps.find((a) => a.fullName === n))
        .map((a) => (a ? connectedAppRecord(a) : '<records xsi:nil="true"/>'))
        .join('');
    } else if (type === 'ExtlClntAppGlobalOauthSettings') {
      if (state.faults.externalClientApps) return sendSoapFault(res, state.faults.externalClientApps);
      records = names
        .map((n) => state.externalClientApps.find((a) => a.fullName === n))
        .map((a) => (a ? ecaRecord(a) : '<records xsi:nil="true"/>'))
        .join('');
    } else if (type === 'ExternalClientApplication') {
      if (state.faults.ecaHeaders) return sendSoapFault(res, state.faults.ecaHeaders);
      records = names
        .map((n) => state.externalClientApps.find((a) => a.externalClientApplication === n))
        .map((a) => (a ? ecaHeaderRecord(a) : '<records xsi:nil="true"/>'))
        .join('');
    }
    return sendSoap(res, `<readMetadataResponse><result>${records}</result></readMetadataResponse>`);
  }
  sendSoapFault(res, { code: 'UNKNOWN_EXCEPTION', message: 'Unsupported Metadata API call in test server' });
}

/** Parses the string literals of `AppName IN ('a', 'b\'c')` (SOQL backslash escapes). */
export function parseSoqlInList(soql: string): string[] | undefined {
  const m = /AppName\s+IN\s*\(((?:\s*'(?:[^'\\]|\\.)*'\s*,?)*)\)/i.exec(soql);
  if (!m) return undefined;
  return [...(m[1] ?? '').matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((x) => (x[1] ?? '').replace(/\\(.)/g, '$1'));
}

function handleQuery(
  state: SalesforceApiState,
  version: string,
  soql: string,
  res: ServerResponse,
  baseUrl: string,
): void {
  const from = /\bFROM\s+(\w+)/i.exec(soql)?.[1] ?? '';
  state.calls.push(`query:${from}`);
  const recordOf = (type: string, id: string, fields: Record<string, unknown>): Record<string, unknown> => ({
    attributes: { type, url: `/services/data/v${version}/sobjects/${type}/${id}` },
    ...fields,
  });
  if (/^Organization$/i.test(from)) {
    const records = [
      recordOf('Organization', '00D5g000004PkCeEAK', {
        Id: '00D5g000004PkCeEAK',
        Name: 'Acme Test',
        IsSandbox: false,
        InstanceName: baseUrl,
      }),
    ];
    return sendJson(res, 200, { totalSize: 1, done: true, records });
  }
  if (/^PermissionSetAssignment$/i.test(from)) {
    const fault = state.faults.permissionQuery;
    if (fault) return sendJson(res, 403, [{ message: fault.message, errorCode: fault.code }]);
    const assignee = /AssigneeId\s*=\s*'([^']*)'/i.exec(soql)?.[1];
    if (!assignee)
      return sendJson(res, 400, [
        { message: 'unexpected query in test server', errorCode: 'MALFORMED_QUERY' },
      ]);
    // Relationship fields come back as nested records with their own attributes (REST API, SOQL query).
    const records = state.permissionSets.map((ps, i) =>
      recordOf('PermissionSetAssignment', `0Pa${String(i).padStart(15, '0')}`, {
        PermissionSet: recordOf('PermissionSet', `0PS${String(i).padStart(15, '0')}`, { ...ps }),
      }),
    );
    return sendJson(res, 200, { totalSize: records.length, done: true, records });
  }
  if (/^OauthToken$/i.test(from)) {
    const fault = state.faults.oauthTokenQuery;
    if (fault)
      return sendJson(res, fault.code === 'INVALID_TYPE' ? 400 : 403, [
        { message: fault.message, errorCode: fault.code },
      ]);
    const names = parseSoqlInList(soql);
    const rows = state.oauthTokens
      .filter((t) => !names || names.includes(t.AppName))
      .sort((a, b) => Date.parse(b.CreatedDate) - Date.parse(a.CreatedDate))
      .map((t, i) => recordOf('OauthToken', `0CR${String(i).padStart(15, '0')}`, { ...t }));
    return sendJson(res, 200, { totalSize: rows.length, done: true, records: rows });
  }
  sendJson(res, 400, [{ message: `sObject type '${from}' is not supported.`, errorCode: 'INVALID_TYPE' }]);
}

/** The server's apiHandler: returns false for paths it does not serve. */
export function createSalesforceApi(state: SalesforceApiState) {
  return async (req: IncomingMessage, res: ServerResponse, auth: BearerValidator): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const baseUrl = `http://${req.headers.host ?? '127.0.0.1'}`;
    if (SOAP_PATH.test(url.pathname) && req.method === 'POST') {
      const xml = await readBody(req);
      const sessionId = tagValues(xml, 'sessionId')[0];
      // Salesforce answers an expired session on SOAP with HTTP 500 + INVALID_SESSION_ID (jsforce refreshes on it).
      if (!sessionId || !(await auth.validateBearer(`Bearer ${sessionId}`))) {
        sendSoapFault(res, {
          code: 'INVALID_SESSION_ID',
          message:
            'Invalid Session ID found in SessionHeader: Illegal Session. Session not found, missing session hash',
        });
        return true;
      }
      handleMetadata(state, xml, res);
      return true;
    }
    const query = QUERY_PATH.exec(url.pathname);
    if (query && req.method === 'GET') {
      if (!(await auth.validateBearer(req.headers.authorization))) {
        sendJson(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
        return true;
      }
      const soql = url.searchParams.get('q');
      if (!soql) {
        sendJson(res, 400, [{ message: 'A query string has to be specified', errorCode: 'MALFORMED_QUERY' }]);
        return true;
      }
      handleQuery(state, query[1] ?? '60.0', soql, res, baseUrl);
      return true;
    }
    return false;
  };
}
