import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

/** A PEM certificate and its PEM private key. */
export interface ServingCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let remaining = length; remaining > 0; remaining >>= 8) bytes.unshift(remaining & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...content: Buffer[]) => tlv(0x30, ...content);

function objectIdentifier(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let remaining = part >> 7; remaining > 0; remaining >>= 7) chunk.unshift((remaining & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  const halves = address.split('::');
  const head = (halves[0] ?? '').split(':').filter(Boolean);
  const tail = (halves[1] ?? '').split(':').filter(Boolean);
  const groups = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  return Buffer.concat(groups.map((group) => { const buffer = Buffer.alloc(2); buffer.writeUInt16BE(parseInt(group, 16)); return buffer; }));
}

/**
 * A positive DER INTEGER body for a certificate serial: the top bit clear (no sign byte needed) and
 * the first byte never zero (a leading zero before a byte below 0x80 is "illegal padding" to OpenSSL).
 */
export function serialNumber(bytes: Buffer = randomBytes(16)): Buffer {
  const serial = Buffer.from(bytes);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  return serial;
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return sequence(objectIdentifier(oid), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

/**
 * Generates a self-signed P-256 certificate for the given host names and IPs. Written with
 * node:crypto and a few lines of DER because a certificate library costs ~120 ms just to load,
 * and the sandbox must start in well under 300 ms.
 */
export function generateServingCertificate(hosts: string[], now = new Date()): ServingCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const serial = serialNumber();
  const name = sequence(tlv(0x31, sequence(objectIdentifier('2.5.4.3'), tlv(0x0c, Buffer.from('rk8s-sandbox', 'utf8')))));
  const signatureAlgorithm = sequence(objectIdentifier('1.2.840.10045.4.3.2'));
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(now.getTime() + 365 * 24 * 60 * 60 * 1000);
  const altNames = hosts.map((host) => (isIP(host) ? tlv(0x87, ipBytes(host)) : tlv(0x82, Buffer.from(host, 'ascii'))));
  const extensions = tlv(0xa3, sequence(
    extension('2.5.29.19', true, sequence(tlv(0x01, Buffer.from([0xff])))),
    extension('2.5.29.15', true, tlv(0x03, Buffer.from([0x02, 0x84]))),
    extension('2.5.29.37', false, sequence(objectIdentifier('1.3.6.1.5.5.7.3.1'))),
    extension('2.5.29.17', false, sequence(...altNames)),
  ));
  const toBeSigned = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([0x02]))),
    tlv(0x02, serial),
    signatureAlgorithm,
    name,
    sequence(utcTime(notBefore), utcTime(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', toBeSigned, privateKey);
  const certificate = sequence(toBeSigned, signatureAlgorithm, tlv(0x03, Buffer.from([0x00]), signature));
  const base64 = certificate.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return {
    certificatePem: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
