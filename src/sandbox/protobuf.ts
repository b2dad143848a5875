import { badRequest } from './api-error.js';
import { protobufSchema, type FieldSpec } from './protobuf-schema.js';
import { ownValue, setOwnValue } from '../own-property.js';

/** The 4-byte prefix of every Kubernetes protobuf body. */
const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** One decoded protobuf field: varints as numbers, length-delimited fields as bytes. */
export interface ProtoField {
  number: number;
  value: number | Buffer;
}

function readVarint(buffer: Buffer, offset: number): [number, number] {
  let result = 0;
  let shift = 0;
  let position = offset;
  for (;;) {
    if (position >= buffer.length) throw badRequest('protobuf: truncated varint');
    const byte = buffer[position] ?? 0;
    position += 1;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, position];
    shift += 7;
    if (shift > 63) throw badRequest('protobuf: varint too long');
  }
}

/** Decodes the fields of one protobuf message (wire types 0, 1, 2, 5; groups are rejected). */
export function decodeMessage(buffer: Buffer): ProtoField[] {
  const fields: ProtoField[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const [key, afterKey] = readVarint(buffer, offset);
    const number = Math.floor(key / 8);
    const wireType = key % 8;
    if (wireType === 0) {
      const [value, next] = readVarint(buffer, afterKey);
      fields.push({ number, value });
      offset = next;
    } else if (wireType === 2) {
      const [length, start] = readVarint(buffer, afterKey);
      if (start + length > buffer.length) throw badRequest('protobuf: truncated field');
      fields.push({ number, value: buffer.subarray(start, start + length) });
      offset = start + length;
    } else if (wireType === 1 || wireType === 5) {
      offset = afterKey + (wireType === 1 ? 8 : 4);
    } else {
      throw badRequest(`protobuf: unsupported wire type ${wireType}`);
    }
  }
  return fields;
}

/** The first length-delimited field with that number, as a UTF-8 string. */
export function stringField(fields: ProtoField[], number: number): string | undefined {
  const field = fields.find((entry) => entry.number === number && Buffer.isBuffer(entry.value));
  return field ? (field.value as Buffer).toString('utf8') : undefined;
}

/** Every length-delimited field with that number, as strings (repeated string). */
export function stringFields(fields: ProtoField[], number: number): string[] {
  return fields.filter((entry) => entry.number === number && Buffer.isBuffer(entry.value)).map((entry) => (entry.value as Buffer).toString('utf8'));
}

/** The first field with that number, decoded as a nested message. */
export function messageField(fields: ProtoField[], number: number): ProtoField[] | undefined {
  const field = fields.find((entry) => entry.number === number && Buffer.isBuffer(entry.value));
  return field ? decodeMessage(field.value as Buffer) : undefined;
}

/** Unwraps the `k8s\0` + runtime.Unknown envelope and returns the kind and the raw object bytes. */
export function decodeEnvelope(body: Buffer): { apiVersion: string; kind: string; raw: Buffer } {
  if (body.length < 4 || !body.subarray(0, 4).equals(magic)) throw badRequest('protobuf: missing k8s envelope');
  const unknown = decodeMessage(body.subarray(4));
  const typeMeta = messageField(unknown, 1) ?? [];
  const raw = unknown.find((entry) => entry.number === 2 && Buffer.isBuffer(entry.value))?.value as Buffer | undefined;
  return { apiVersion: stringField(typeMeta, 1) ?? '', kind: stringField(typeMeta, 2) ?? '', raw: raw ?? Buffer.alloc(0) };
}

/**
 * Converts the protobuf bodies kubectl sends (SelfSubjectAccessReview, SelfSubjectRulesReview,
 * DeleteOptions, Eviction) into the JSON the rest of the server handles.
 */
export function protobufToJson(body: Buffer): Record<string, unknown> {
  const { apiVersion, kind, raw } = decodeEnvelope(body);
  const fields = decodeMessage(raw);
  switch (kind) {
    case 'SelfSubjectAccessReview': {
      const spec = messageField(fields, 2) ?? [];
      const resource = messageField(spec, 1);
      const nonResource = messageField(spec, 2);
      const result: Record<string, unknown> = {};
      if (resource) {
        result['resourceAttributes'] = {
          namespace: stringField(resource, 1) ?? '', verb: stringField(resource, 2) ?? '', group: stringField(resource, 3) ?? '',
          version: stringField(resource, 4) ?? '', resource: stringField(resource, 5) ?? '', subresource: stringField(resource, 6) ?? '', name: stringField(resource, 7) ?? '',
        };
      }
      if (nonResource) result['nonResourceAttributes'] = { path: stringField(nonResource, 1) ?? '', verb: stringField(nonResource, 2) ?? '' };
      return { apiVersion, kind, metadata: {}, spec: result };
    }
    case 'SelfSubjectRulesReview': {
      const spec = messageField(fields, 2) ?? [];
      return { apiVersion, kind, metadata: {}, spec: { namespace: stringField(spec, 1) ?? '' } };
    }
    case 'SelfSubjectReview':
      return { apiVersion, kind, metadata: {} };
    case 'DeleteOptions':
      return deleteOptionsFromFields(apiVersion, fields);
    case 'Eviction': {
      const metadata = messageField(fields, 1) ?? [];
      const options = messageField(fields, 2);
      return { apiVersion, kind, metadata: { name: stringField(metadata, 1) ?? '', namespace: stringField(metadata, 3) ?? '' }, ...(options ? { deleteOptions: deleteOptionsFromFields('', options) } : {}) };
    }
    default:
      if (!ownValue(protobufSchema, kind)) throw badRequest(`the rk8s sandbox cannot decode a protobuf ${kind}; send JSON (for example with kubectl apply -f)`);
      return { apiVersion, kind, ...decodeWithSchema(raw, kind) };
  }
}

function deleteOptionsFromFields(apiVersion: string, fields: ProtoField[]): Record<string, unknown> {
  const result: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion };
  const grace = fields.find((entry) => entry.number === 1 && typeof entry.value === 'number');
  if (grace) result['gracePeriodSeconds'] = grace.value;
  const propagation = stringField(fields, 4);
  if (propagation) result['propagationPolicy'] = propagation;
  const dryRun = stringFields(fields, 5);
  if (dryRun.length > 0) result['dryRun'] = dryRun;
  return result;
}

function signedVarint(value: number): number {
  // int32/int64 fields: negative numbers arrive as 64-bit two's complement varints.
  return value >= 2 ** 63 ? value - 2 ** 64 : value;
}

function decodeMapEntry(bytes: Buffer, valueKind: 'string' | 'bytes' | 'quantity'): [string, string] {
  const entry = decodeMessage(bytes);
  const key = stringField(entry, 1) ?? '';
  const value = entry.find((field) => field.number === 2)?.value;
  if (!Buffer.isBuffer(value)) return [key, ''];
  if (valueKind === 'bytes') return [key, value.toString('base64')];
  if (valueKind === 'quantity') return [key, stringField(decodeMessage(value), 1) ?? '0'];
  return [key, value.toString('utf8')];
}

function decodeValue(spec: FieldSpec, value: number | Buffer): unknown {
  const type = spec.type;
  if (typeof type === 'object') return Buffer.isBuffer(value) ? decodeWithSchema(value, type.message) : {};
  switch (type) {
    case 'string': return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
    case 'int': return typeof value === 'number' ? signedVarint(value) : 0;
    case 'bool': return value === 1;
    case 'bytes': return Buffer.isBuffer(value) ? value.toString('base64') : '';
    case 'quantity': return Buffer.isBuffer(value) ? stringField(decodeMessage(value), 1) ?? '0' : '0';
    case 'intOrString': {
      if (!Buffer.isBuffer(value)) return 0;
      const fields = decodeMessage(value);
      const kindField = fields.find((field) => field.number === 1)?.value;
      return kindField === 1 ? stringField(fields, 3) ?? '' : signedVarint(Number(fields.find((field) => field.number === 2)?.value ?? 0));
    }
    case 'time': return undefined;
    default: return undefined;
  }
}

/** Integer fields whose 0 means "unset" in JSON (non-pointer Go fields). */
const zeroIsEmpty = new Set(['generation', 'hostPort', 'nodePort', 'minReadySeconds', 'containerPort']);

/** Decodes a message with the schema table; embedded (inline) messages merge into their parent. */
export function decodeWithSchema(buffer: Buffer, messageName: string): Record<string, unknown> {
  const schema = ownValue(protobufSchema, messageName) ?? {};
  const result: Record<string, unknown> = {};
  for (const field of decodeMessage(buffer)) {
    const spec = schema[field.number];
    if (!spec) continue;
    if (spec.type === 'map' || spec.type === 'bytesMap' || spec.type === 'quantityMap') {
      if (!Buffer.isBuffer(field.value)) continue;
      const [key, value] = decodeMapEntry(field.value, spec.type === 'map' ? 'string' : spec.type === 'bytesMap' ? 'bytes' : 'quantity');
      const map = (ownValue(result, spec.name) ?? {}) as Record<string, string>;
      setOwnValue(map, key, value);
      setOwnValue(result, spec.name, map);
      continue;
    }
    const value = decodeValue(spec, field.value);
    // Go's protobuf writes every non-pointer field; JSON would have omitted the empty ones.
    if (value === undefined || value === '' || value === false || (value === 0 && zeroIsEmpty.has(spec.name))) continue;
    if (spec.name === '') {
      Object.assign(result, value);
    } else if (spec.repeated) {
      const list = (ownValue(result, spec.name) ?? []) as unknown[];
      list.push(value);
      setOwnValue(result, spec.name, list);
    } else {
      setOwnValue(result, spec.name, value);
    }
  }
  return result;
}
