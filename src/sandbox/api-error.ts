/** Kubernetes `Status` reasons the sandbox produces. */
export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid'
  | 'MethodNotAllowed' | 'UnsupportedMediaType' | 'RequestEntityTooLarge' | 'TooManyRequests'
  | 'Expired' | 'InternalError' | 'NotAcceptable';

/** The JSON body of a Kubernetes `Status` (meta/v1). */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason?: StatusReason;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message: string; field?: string }[]; retryAfterSeconds?: number };
  code: number;
}

/** An API error that the server turns into a Kubernetes Status response; never escapes the server. */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: KubeStatus['details'];

  constructor(code: number, reason: StatusReason, message: string, details?: KubeStatus['details']) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** The Status body kubectl parses to print `Error from server (Reason): message`. */
  toStatus(): KubeStatus {
    const status: KubeStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) status.details = this.details;
    return status;
  }
}

/** `pods "x" not found`, or `deployments.apps "x" not found` for named groups. */
export function notFound(plural: string, group: string, name: string): ApiError {
  const qualified = group ? `${plural}.${group}` : plural;
  return new ApiError(404, 'NotFound', `${qualified} "${name}" not found`, { name, group, kind: plural });
}

/** `deployments.apps "x" already exists`. */
export function alreadyExists(plural: string, group: string, name: string): ApiError {
  const qualified = group ? `${plural}.${group}` : plural;
  return new ApiError(409, 'AlreadyExists', `${qualified} "${name}" already exists`, { name, group, kind: plural });
}

/** The optimistic-concurrency conflict kubectl retries on. */
export function conflict(plural: string, group: string, name: string): ApiError {
  const qualified = group ? `${plural}.${group}` : plural;
  return new ApiError(409, 'Conflict',
    `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: plural });
}

/** A 400 with the given message. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** A 422 Invalid naming the offending field. */
export function invalid(kind: string, group: string, name: string, field: string, message: string): ApiError {
  const qualified = group ? `${kind}.${group}` : kind;
  return new ApiError(422, 'Invalid', `${qualified} "${name}" is invalid: ${field}: ${message}`,
    { name, group, kind, causes: [{ reason: 'FieldValueInvalid', message, field }] });
}
