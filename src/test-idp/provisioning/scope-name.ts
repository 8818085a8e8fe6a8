const ALNUM = /^[a-z0-9]+$/;

/**
 * True when `value` is in the language of the platform's scope rule
 * `^([a-z0-9]+\/?)+[a-z0-9]+(\.[a-z0-9]+)?$`, decided in linear time: that regex backtracks
 * exponentially on inputs like "aaaa…a-". The language: segments of [a-z0-9] joined by single
 * slashes (a lone segment needs two characters), then optionally one `.` and a [a-z0-9] suffix.
 */
export function isValidScopePart(value: string): boolean {
  if (value.length < 2 || value.length > 255) return false;
  const dot = value.indexOf('.');
  let main = value;
  if (dot !== -1) {
    const suffix = value.slice(dot + 1);
    if (!ALNUM.test(suffix)) return false;
    main = value.slice(0, dot);
  }
  const segments = main.split('/');
  if (!segments.every((s) => ALNUM.test(s))) return false;
  return segments.length > 1 || segments[0].length >= 2;
}
