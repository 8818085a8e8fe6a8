import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsHttpUrlList } from './url-list';

/** The validation decorators the Environment schema is written with: one per kind of variable. */

type Raw = { value: unknown };
const toInt = ({ value }: Raw) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value);
const toBool = ({ value }: Raw) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  return value;
};
const emptyToUndefined = ({ value }: Raw) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** Applies decorators as if written one above the other, in the order given. */
const stack =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const decorate of [...decorators].reverse()) decorate(target, key);
  };

/** An integer from min to max inclusive; `note` follows the message (what a special value means). */
export function IntegerBetween(min: number, max: number, note = ''): PropertyDecorator {
  const message = `must be an integer between ${min} and ${max}${note}`;
  return stack(Transform(toInt), IsInt({ message }), Min(min, { message }), Max(max, { message }));
}

/** true/false (also 1/0, yes/no); `optional` leaves it undefined when unset, for a default that depends on NODE_ENV. */
export function Flag(options: { optional?: boolean } = {}): PropertyDecorator {
  const rule = IsBoolean({ message: 'must be true or false' });
  return options.optional ? stack(Transform(toBool), IsOptional(), rule) : stack(Transform(toBool), rule);
}

/** An optional string; empty counts as unset. */
export function OptionalText(rules: { min?: [number, string]; max?: number } = {}): PropertyDecorator {
  const checks: PropertyDecorator[] = [IsString()];
  if (rules.min) checks.push(MinLength(rules.min[0], { message: rules.min[1] }));
  if (rules.max) checks.push(MaxLength(rules.max));
  return stack(Transform(emptyToUndefined), IsOptional(), ...checks);
}

/** An optional value matching `pattern`; empty counts as unset. */
export function OptionalMatching(pattern: RegExp, message: string): PropertyDecorator {
  return stack(Transform(emptyToUndefined), IsOptional(), Matches(pattern, { message }));
}

/** An optional comma-separated list of absolute http(s) URLs; empty counts as unset. */
export function OptionalUrlList(): PropertyDecorator {
  return stack(Transform(emptyToUndefined), IsOptional(), IsHttpUrlList());
}

/** A required string of at least one character. */
export function Text(message: string): PropertyDecorator {
  return stack(IsString(), MinLength(1, { message }));
}

export function OneOf(values: readonly string[], message = `must be one of ${values.join(', ')}`): PropertyDecorator {
  return IsIn(values, { message });
}
