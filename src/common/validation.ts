import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from './errors';

export interface FieldProblem {
  field: string;
  message: string;
}

/** A request body or query that breaks its DTO's rules; lists each field that is wrong. */
export class ValidationFailedError extends DomainError {
  readonly status = 400;
  readonly kind = 'validation-failed';
  readonly title = 'Validation failed';
  constructor(readonly fields: FieldProblem[]) {
    super(`invalid fields: ${fields.map((f) => f.field).join(', ')}`);
    this.extensions.errors = fields;
  }
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** The pipe every controller uses: strict DTOs, unknown fields refused, errors as problems. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(flatten(errors)),
  });
}
