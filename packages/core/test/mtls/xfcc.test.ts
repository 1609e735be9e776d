// Envoy's x-forwarded-client-cert (XFCC) as Envoy writes it: one element per proxy, `key=value`
// pairs, quoted values that hold `,`, `;`, `=` and escaped quotes. Only one element is trusted.
import { describe, expect, it } from 'vitest';
import { clientCertificatePolicy } from '../../src/mtls/client-certificate.js';
import {
  chainPem,
  envoyEncode,
  expected,
  expectMalformed,
  leafPem,
  thumbprint,
} from './header-fixtures.js';

const ENVOY = clientCertificatePolicy({ header: 'x-forwarded-client-cert', format: 'envoy-xfcc' });

describe("Envoy's x-forwarded-client-cert", () => {
  const element = (cert: string) =>
    [
      'By=spiffe://cluster.local/ns/api/sa/backend',
      `Hash=${'ab'.repeat(32)}`,
      `Cert="${envoyEncode(cert)}"`,
      `Chain="${envoyEncode(chainPem)}"`,
      // RFC 2253 subjects hold commas, and may hold `;`, `=` and escaped quotes.
      'Subject="CN=client-42,OU=payments;eu,O=\\"Quoted\\" Org"',
      'URI=spiffe://cluster.local/ns/api/sa/client',
      'DNS=client.example.com',
      'DNS=client.internal',
    ].join(';');

  it("reads the one element's Cert", async () => {
    expect(await thumbprint(ENVOY, ['x-forwarded-client-cert', element(leafPem)])).toBe(expected);
  });

  it('reads keys in any case, and Cert unquoted', async () => {
    const value = `hash=00;CERT=${envoyEncode(leafPem)};by=x`;
    expect(await thumbprint(ENVOY, ['X-Forwarded-Client-Cert', value])).toBe(expected);
  });

  it.each([
    [
      'two elements (two proxies)',
      (cert: string) => `${element(cert)},By=spiffe://edge;Hash=00`,
      'several elements',
    ],
    [
      'an element appended by a second proxy',
      (cert: string) => `By=spiffe://edge;URI=x,${element(cert)}`,
      'several elements',
    ],
    ['an element without Cert', () => 'By=spiffe://a;Hash=00;URI=spiffe://b', 'no Cert'],
    ['an empty Cert', () => 'By=a;Cert=""', 'no Cert'],
    [
      'Cert twice',
      (cert: string) => `Cert="${envoyEncode(cert)}";cert="${envoyEncode(cert)}"`,
      'repeated Cert',
    ],
    ['an unterminated quote', (cert: string) => `Cert="${envoyEncode(cert)}`, 'syntax'],
    ['a quote inside an unquoted value', () => 'By=a"b;Cert=x', 'syntax'],
    ['junk after a closing quote', (cert: string) => `Cert="${envoyEncode(cert)}"x;By=a`, 'syntax'],
    ['a pair without =', (cert: string) => `By;Cert="${envoyEncode(cert)}"`, 'syntax'],
    ['an empty key', (cert: string) => `=a;Cert="${envoyEncode(cert)}"`, 'syntax'],
    ['a trailing separator', (cert: string) => `Cert="${envoyEncode(cert)}";`, 'syntax'],
    ['a Cert that is not URL-encoded PEM', () => 'Cert="%ZZ"', 'encoding'],
    ['a Cert with the whole chain', () => `Cert="${envoyEncode(chainPem)}"`, 'PEM'],
  ])('refuses %s', (_name, value, reason) => {
    expectMalformed(ENVOY, ['x-forwarded-client-cert', value(leafPem)], reason);
  });
});
