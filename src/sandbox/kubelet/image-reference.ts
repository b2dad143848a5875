/**
 * Container image references as the kubelet parses them (the docker/distribution reference
 * grammar): a malformed one is InvalidImageName with the parser's own words, a short one is
 * normalized the way containerd reports it ("nginx:1.27" -> "docker.io/library/nginx:1.27").
 */

/** A parsed reference. */
export interface ImageReference {
  /** Registry host (docker.io for short names). */
  domain: string;
  /** Repository path without the domain ("library/nginx"). */
  path: string;
  tag?: string;
  digest?: string;
  /** What containerd resolves: domain/path:tag or domain/path@digest (":latest" added when neither). */
  normalized: string;
}

const component = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const pathPattern = new RegExp(`^${component}(?:/${component})*$`);
const domainPattern = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** Parses a reference, or returns the parser's error message (what InvalidImageName reports). */
export function parseImageReference(image: string): ImageReference | { error: string } {
  if (/^[a-f0-9]{64}$/.test(image)) return { error: `invalid repository name (${image}), cannot specify 64-byte hexadecimal strings` };
  const slash = image.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = slash === -1 ? '' : image.slice(0, slash);
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = 'docker.io';
    remainder = image;
  } else {
    domain = first;
    remainder = image.slice(slash + 1);
  }
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  let digest: string | undefined;
  const at = remainder.indexOf('@');
  let named = remainder;
  if (at !== -1) {
    digest = remainder.slice(at + 1);
    named = remainder.slice(0, at);
  }
  let tag: string | undefined;
  const colon = named.lastIndexOf(':');
  let path = named;
  if (colon !== -1) {
    tag = named.slice(colon + 1);
    path = named.slice(0, colon);
  }
  if (path.toLowerCase() !== path) return { error: `invalid reference format: repository name (${path}) must be lowercase` };
  if (!domainPattern.test(domain) || !pathPattern.test(path) || (tag !== undefined && !tagPattern.test(tag)) || (digest !== undefined && !digestPattern.test(digest))) {
    return { error: 'invalid reference format' };
  }
  if (`${domain}/${path}`.length > 255) return { error: 'invalid reference format: repository name must not be more than 255 characters' };
  const normalized = digest ? `${domain}/${path}${tag ? `:${tag}` : ''}@${digest}` : `${domain}/${path}:${tag ?? 'latest'}`;
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}), normalized };
}

/**
 * True when a registry rule names this reference: the exact image string, its normalized form, its
 * repository (every tag), its host, or a prefix ending in "*".
 */
export function referenceMatches(rule: string, image: string, parsed: ImageReference): boolean {
  if (rule === image || rule === parsed.normalized) return true;
  if (rule.endsWith('*')) {
    const prefix = rule.slice(0, -1);
    return image.startsWith(prefix) || parsed.normalized.startsWith(prefix);
  }
  const repository = `${parsed.domain}/${parsed.path}`;
  const shortRepository = image.split('@')[0]?.replace(/:[^/:]*$/, '');
  if (rule === repository || rule === shortRepository) return true;
  return rule === parsed.domain;
}
