import { ValidateBy } from 'class-validator';

/** The entries of a comma-separated list, trimmed, empty ones dropped. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** An absolute http(s) URL with a host and no user or password in it. */
export function isAbsoluteHttpUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && !url.username && !url.password;
}

/** A comma-separated list of at least one absolute http(s) URL (discovery documents, for instance). */
export function IsHttpUrlList(): PropertyDecorator {
  return ValidateBy({
    name: 'isHttpUrlList',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && splitList(value).length > 0 && splitList(value).every(isAbsoluteHttpUrl),
      defaultMessage: () => 'must be a comma-separated list of absolute http(s) URLs',
    },
  });
}
